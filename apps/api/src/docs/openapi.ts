import type { INestApplication } from '@nestjs/common';
import { ApiProperty, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { OPENAPI_PUBLIC, OPENAPI_ROLES } from '#yizhi/core';

class FieldErrorView {
  @ApiProperty({ example: 'organization.creditCode' }) field: string;
  @ApiProperty({ example: 'organization.creditCode has a wrong check character (18th character, GB 32100-2015)' }) message: string;
}

class ErrorView {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' }) code: string;
  @ApiProperty() message: string;
  @ApiProperty({ type: [FieldErrorView] }) details: FieldErrorView[];
}

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorView' } } },
});
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Adds what decorators would repeat on every route: the bearer scheme on each non-public
 * operation, its 401/403, and the error shape for client errors.
 */
function completeOperations(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const extensions = operation as unknown as Record<string, unknown>;
      const responses = operation.responses;
      if (!extensions[OPENAPI_PUBLIC]) {
        operation.security = [{ bearer: [] }];
        responses['401'] ??= error('Not signed in, or the access token is invalid or expired');
        const roles = extensions[OPENAPI_ROLES] as string[] | undefined;
        if (roles) {
          responses['403'] ??= error(`Signed in, but not as ${roles.join(' or ')}`);
          operation.description = [operation.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join('\n\n');
        }
      }
      if (operation.requestBody || operation.parameters?.length) responses['400'] ??= error('Invalid input; `details` names each field');
      if (operation.requestBody) responses['413'] ??= error('Body larger than 1 MiB');
      if (path.includes('{id}')) responses['404'] ??= error('Not found, or not visible to you');
    }
  }
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Yizhi (易智网) API')
    .setDescription(
      'Technology-transfer marketplace of Chongqing: enterprises post needs, institutes list results, bases broker deals. ' +
        'Money is a decimal string of yuan ("1234.56"); lists take ?limit= and ?cursor=.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorView, FieldErrorView] });
  completeOperations(document);
  return document;
}

/** Swagger UI at /docs and the document at /docs-json, outside the /api/v1 prefix. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}

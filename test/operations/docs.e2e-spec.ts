import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { randomIp } from '../support/factories.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs the real validator, `SwaggerParser.validate(structuredClone(doc))`, in a plain Node
 * process: swagger-parser 13 is CommonJS that require()s the ESM-only json-schema-ref-parser,
 * which Node ≥ 20.19 allows but Jest's module registry (before Node 24.9) refuses.
 */
function validateOpenApi(doc: unknown): { ok: true; openapi: string } | { ok: false; message: string } {
  const script = `
    import SwaggerParser from '@apidevtools/swagger-parser';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    try {
      const api = await SwaggerParser.validate(structuredClone(JSON.parse(input)));
      process.stdout.write(JSON.stringify({ ok: true, openapi: api.openapi }));
    } catch (error) {
      process.stdout.write(JSON.stringify({ ok: false, message: String(error?.message ?? error) }));
    }`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    input: JSON.stringify(doc),
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 20_000,
  });
  if (child.status !== 0 || !child.stdout) throw new Error(`validator did not run (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout);
}

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  operation: Record<string, unknown> & { security?: unknown; responses: Record<string, { content?: unknown }> };
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation['operation']>>>;
  components: {
    securitySchemes?: Record<string, unknown>;
    schemas?: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  };
}

function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method]! })),
  );
}

/** `/api/v1/bases/{id}` and `/api/v1/bases/:id` alike become `/api/v1/bases/{}`. */
const normalise = (path: string) => path.replace(/\{[^}]+\}/g, '{}').replace(/:[^/]+/g, '{}');

/**
 * The routes Fastify serves, as `METHOD /path`, read from printRoutes({commonPrefix: false}):
 * there each line is a leaf, its key the path suffix below its parent line, then `(METHODS)`.
 */
function servedRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = line.match(/^((?:[│ ] {3})*)[├└]── (.*?) \(([A-Z, ]+)\)$/);
    if (!match) continue;
    const depth = [...match[1]].length / 4;
    stack.length = depth;
    stack.push(match[2]);
    const path = stack.join('');
    for (const method of match[3].split(', ')) if (method !== 'HEAD') routes.push(`${method} ${normalise(path)}`);
  }
  return routes;
}

/** Swagger UI's own pages and assets, and the third-party queue dashboard, are not API routes. */
const UNDOCUMENTED = /^(\/docs|\/admin\/queues)(\/|-|$)/;

describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t
      .http()
      .get('/docs-json')
      .expect(200)
      .expect('content-type', /^application\/json/);
    doc = res.body;
  });
  afterAll(() => t.close());

  it('serves at the root a document the real validator accepts as OpenAPI 3', async () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(validateOpenApi(doc)).toEqual({ ok: true, openapi: doc.openapi });
    // The validator does validate: a dangling reference or a missing `responses` is refused.
    const broken = structuredClone(doc);
    broken.paths['/api/v1/bases'].get!.responses['200'] = { $ref: '#/components/responses/Nowhere' } as never;
    expect(validateOpenApi(broken)).toMatchObject({ ok: false });
    const incomplete = structuredClone(doc) as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
    delete incomplete.paths['/api/v1/fields'].get.responses;
    expect(validateOpenApi(incomplete)).toMatchObject({ ok: false });
    await t.http().get('/api/v1/docs-json').expect(404);
  });

  it('documents the routes of the contract', () => {
    const documented = operationsOf(doc).map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(documented).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/register',
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/refresh',
        'GET /api/v1/auth/me',
        'POST /api/v1/users',
        'GET /api/v1/organizations/{id}',
        'POST /api/v1/organizations/{id}/verify',
        'GET /api/v1/bases',
        'POST /api/v1/bases',
        'GET /api/v1/bases/{id}',
        'PATCH /api/v1/bases/{id}',
        'GET /api/v1/fields',
        'GET /api/v1/health',
        'GET /metrics',
      ]),
    );
  });

  it('documents every route the app serves, and documents nothing it does not serve', () => {
    const served = servedRoutes(t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false }));
    // The parse found real routes, so the comparison below cannot pass on an empty list.
    expect(served).toEqual(
      expect.arrayContaining(['GET /api/v1/bases', 'POST /api/v1/bases', 'PATCH /api/v1/bases/{}', 'GET /metrics', 'GET /docs-json']),
    );
    const documented = operationsOf(doc).map((o) => `${o.method.toUpperCase()} ${normalise(o.path)}`);
    const api = served.filter((route) => !UNDOCUMENTED.test(route.split(' ')[1]));
    expect(api.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
  });

  it('declares the bearer scheme and the ErrorView schema, and uses them', () => {
    expect(doc.components.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const errorView = doc.components.schemas?.ErrorView;
    expect(Object.keys(errorView?.properties ?? {}).sort()).toEqual(['code', 'details', 'message', 'statusCode']);
    expect([...(errorView?.required ?? [])].sort()).toEqual(['code', 'details', 'message', 'statusCode']);

    for (const { method, path, operation } of operationsOf(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (operation['x-public'] === true) {
        expect({ where, security: operation.security }).toEqual({ where, security: undefined });
      } else {
        expect({ where, security: operation.security }).toEqual({ where, security: [{ bearer: [] }] });
        expect({ where, content: operation.responses['401']?.content }).toEqual({
          where,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorView' } } },
        });
      }
    }
  });

  it('answers 401 to an anonymous call of every operation that is not x-public', async () => {
    const guarded = operationsOf(doc).filter((o) => o.operation['x-public'] !== true);
    // The loop must not be vacuous: the contract alone has this many signed-in routes.
    expect(guarded.length).toBeGreaterThanOrEqual(5);
    const wrong: string[] = [];
    for (const { method, path } of guarded) {
      const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
      let req = t.http()[method](url);
      if (method !== 'get' && method !== 'delete') req = req.send({});
      const res = await req;
      if (res.status !== 401) {
        wrong.push(`${method.toUpperCase()} ${path} → ${res.status}`);
        continue;
      }
      expectErrorBody(res, 401, 'UNAUTHENTICATED', []);
    }
    expect(wrong).toEqual([]);
  });

  it('lets an anonymous caller reach every x-public operation (no 401 or 403)', async () => {
    const open = operationsOf(doc).filter((o) => o.operation['x-public'] === true);
    expect(open.length).toBeGreaterThanOrEqual(5);
    const wrong: string[] = [];
    for (const { method, path } of open) {
      const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
      let req = t.http()[method](url).set('x-forwarded-for', randomIp());
      if (method !== 'get' && method !== 'delete') req = req.send({});
      const res = await req;
      if (res.status === 401 || res.status === 403 || res.status >= 500) wrong.push(`${method.toUpperCase()} ${path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('serves Swagger UI as HTML at /docs', async () => {
    const res = await t
      .http()
      .get('/docs')
      .expect(200)
      .expect('content-type', /^text\/html/);
    expect(res.text).toMatch(/swagger-ui/i);
    const init = await t.http().get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('/api/v1/bases');
  });
});

import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import type { FieldError } from '../errors/domain.exception.js';
import { ValidationFailedException } from '../errors/common.exceptions.js';

/**
 * Flattens class-validator's tree into one `{field: "organization.creditCode", message}` per
 * field: "is required" when it is missing, else the first rule it breaks in declaration order
 * (class-validator lists them last-declared first, so the type check, declared first, wins).
 */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const rules = Object.entries(error.constraints ?? {});
    const own: FieldError[] = [];
    if (rules.some(([rule]) => rule === 'whitelistValidation')) {
      own.push({ field, message: `${field} is not an allowed field` });
    } else if (rules.length && error.value === undefined) {
      own.push({ field, message: `${field} is required` });
    } else if (rules.length) {
      // nestedValidation is appended after every declared rule, so it would hide @IsObject's message.
      const declared = rules.filter(([rule]) => rule !== 'nestedValidation');
      const candidates = declared.length ? declared : rules;
      own.push({ field, message: candidates[candidates.length - 1][1] });
    }
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * Nest reads a JSON `null` body as `{}`, so `null` would pass any DTO whose fields are all optional
 * (an empty edit, a default renewal): refuse it like the other non-object bodies. A request with
 * no body at all is still read as `{}`.
 */
class ObjectBodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value === null && typeof metadata.metatype === 'function' && metadata.metatype !== Object) {
      throw new ValidationFailedException([], 'The request body must be a JSON object, not null');
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const field = nulCharacterAt(value);
      if (field !== undefined)
        throw ValidationFailedException.field(field || 'body', `${field || 'the body'} must not contain the NUL character (U+0000)`);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The path of the first string (or key) holding U+0000, which no PostgreSQL text column can store;
 * undefined when there is none.
 */
export function nulCharacterAt(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at;
    const found = nulCharacterAt(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The global pipe: unknown fields are refused, known ones are transformed to their DTO types. */
export function createValidationPipe(): ValidationPipe {
  return new ObjectBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: true },
    // Values are kept on the errors only to tell "missing" from "wrong"; they never reach the response.
    exceptionFactory: (errors) => new ValidationFailedException(flattenValidationErrors(errors)),
  });
}

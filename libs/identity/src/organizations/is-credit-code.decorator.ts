import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { CREDIT_CODE_MESSAGES, creditCodeProblem, normalizeCreditCode } from './credit-code.js';

/** Normalises (spaces, case) and validates a unified social credit code, naming which check failed. */
export function IsCreditCode(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeCreditCode(value) : value))(target, propertyKey);
    registerDecorator({
      name: 'isCreditCode',
      target: target.constructor,
      propertyName: String(propertyKey),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && creditCodeProblem(value) === undefined,
        defaultMessage: (args) => {
          const problem = typeof args?.value === 'string' ? (creditCodeProblem(args.value) ?? 'format') : 'format';
          return `${args?.property} ${CREDIT_CODE_MESSAGES[problem]}`;
        },
      },
    });
  };
}

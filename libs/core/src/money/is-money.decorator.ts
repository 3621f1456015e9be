import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { Money, MoneyParseError } from './money.js';

/**
 * Validates a wire-format amount and turns it into Money. Use on a `Money` (or `Money | null`)
 * DTO property; a JSON number, a sign, an exponent or a third decimal is a 400 naming the field.
 */
export function IsMoney(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    Transform(({ value }) => {
      if (value === null || value === undefined || value instanceof Money) return value;
      return Money.tryParse(value) ?? new InvalidMoney(value);
    })(target, propertyKey);
    registerDecorator({
      name: 'isMoney',
      target: target.constructor,
      propertyName: String(propertyKey),
      options,
      validator: {
        validate: (value: unknown) => value instanceof Money,
        defaultMessage: (args) => {
          const raw = args?.value instanceof InvalidMoney ? args.value.raw : args?.value;
          try {
            Money.parse(raw);
          } catch (error) {
            if (error instanceof MoneyParseError) return `${args?.property} ${error.message}`;
          }
          return `${args?.property} must be an amount such as "1234.56"`;
        },
      },
    });
  };
}

/** Carries an unparseable input through the transform so the validator can explain it. */
class InvalidMoney {
  constructor(readonly raw: unknown) {}
}

import { IsDateString, MaxLength, ValidateIf } from 'class-validator';

/** @Transform(trim): strings trimmed, anything else left for the validators to refuse. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** @Transform(trimEach): each string of an array trimmed. */
export const trimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;

/** @Transform(queryBoolean): a query string's "true"/"false" as booleans; anything else is left for @IsBoolean to refuse. */
export const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Optional, but not nullable: unlike @IsOptional(), a null is validated (and refused) rather than skipped. */
export const unlessAbsent = ValidateIf((_: unknown, value: unknown) => value !== undefined);

/** A calendar day as `YYYY-MM-DD` (a real one: 2026-02-30 is refused), the 400 naming the property. */
export function IsCalendarDate(): PropertyDecorator {
  return (target, property) => {
    const message = `${String(property)} must be a date such as 2027-06-30`;
    IsDateString({ strict: true }, { message })(target, property);
    MaxLength(10, { message })(target, property);
  };
}

import { Transform } from 'class-transformer';
import { IsDateString, IsUUID, Matches, ValidateIf } from 'class-validator';

/** @Transform(trim): strings trimmed, anything else left for the validators to refuse. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** @Transform(trimEach): each string of an array trimmed. */
export const trimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;

/** @Transform(queryBoolean): a query string's "true"/"false" as booleans; anything else is left for @IsBoolean to refuse. */
export const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Optional, but not nullable: unlike @IsOptional(), a null is validated (and refused) rather than skipped. */
export const unlessAbsent = ValidateIf((_: unknown, value: unknown) => value !== undefined);

/**
 * A calendar day written `YYYY-MM-DD` (a real one: 2026-02-30 is refused, and so are the other ISO
 * 8601 forms, 2026-05, 20260501, 2026-121, 2026-W18-5), the 400 naming the property.
 */
export function IsCalendarDate(): PropertyDecorator {
  return (target, property) => {
    const message = `${String(property)} must be a date such as 2027-06-30`;
    IsDateString({ strict: true }, { message })(target, property);
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message })(target, property);
  };
}

/** A UUID in any case, kept in lower case (as PostgreSQL prints it), so that ids compare as strings; the 400 names the property. */
export function IsUuid(): PropertyDecorator {
  return (target, property) => {
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))(target, property);
    IsUUID('all', { message: `${String(property)} must be a UUID` })(target, property);
  };
}

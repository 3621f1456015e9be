import { platformDate, ValidationFailedException } from '#yizhi/core';

/** A date the owner chooses (an offer's last day, a need's deadline) must not lie in the past, Chongqing time. */
export function assertNotPast(field: string, date: string | null | undefined, { todayAllowed }: { todayAllowed: boolean }): void {
  if (!date) return;
  const today = platformDate();
  if (date < today || (!todayAllowed && date === today)) {
    throw ValidationFailedException.field(field, `${field} must be a date ${todayAllowed ? 'from today on' : 'after today'}`);
  }
}

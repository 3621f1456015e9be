/** The platform's calendar is Chongqing's (UTC+8, no daylight saving): dates such as validUntil are judged in it. */
export const PLATFORM_TIME_ZONE = 'Asia/Shanghai';

const DATE = new Intl.DateTimeFormat('en-CA', { timeZone: PLATFORM_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date (YYYY-MM-DD) in Chongqing at `instant`. */
export function platformDate(instant: Date = new Date()): string {
  return DATE.format(instant);
}

/** `date` (YYYY-MM-DD) plus whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;
/**
 * Asia/Shanghai is UTC+8 all year (China has kept no daylight saving since 1991), so working-day
 * arithmetic can shift instants by a fixed offset instead of asking Intl for every day it crosses.
 */
const PLATFORM_UTC_OFFSET_MS = 8 * 3_600_000;

/** Saturday or Sunday, for a day numbered from 1970-01-01 (a Thursday) on the platform's calendar. */
const isWeekend = (day: number) => {
  const weekday = (((day + 4) % 7) + 7) % 7; // 0 = Sunday
  return weekday === 0 || weekday === 6;
};

/**
 * The latest instant from which `days` working days have passed by `now`: whatever happened at or
 * before it has been idle for at least `days` working days. Working time is the hours of Monday to
 * Friday on the platform's calendar (Asia/Shanghai); weekend hours do not count, so something last
 * touched on Friday at 15:00 has been idle three working days on Wednesday at 15:00, and something
 * touched on a weekend starts counting on Monday at 00:00. Public holidays and the weekend days
 * worked in exchange for them (调休) are not modelled.
 *
 * This is the one statement of the rule: list filters compare a timestamp column with it, and
 * per-row flags use isIdleForWorkingDays, so both always agree.
 */
export function workingDaysCutoff(now: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer, not ${days}`);
  let cursor = now.getTime() + PLATFORM_UTC_OFFSET_MS;
  let remaining = days * DAY_MS;
  while (remaining > 0) {
    // The day holding the instant just before the cursor: walk back through it whole or in part.
    const day = Math.floor((cursor - 1) / DAY_MS);
    const start = day * DAY_MS;
    if (isWeekend(day)) {
      cursor = start;
      continue;
    }
    const take = Math.min(remaining, cursor - start);
    cursor -= take;
    remaining -= take;
  }
  // Every instant of a weekend has the same working time behind it: the latest of them is Monday 00:00.
  while (isWeekend(Math.floor(cursor / DAY_MS))) cursor = (Math.floor(cursor / DAY_MS) + 1) * DAY_MS;
  return new Date(cursor - PLATFORM_UTC_OFFSET_MS);
}

/** Whether something last touched at `lastActivity` has been idle for `days` working days by `now` (see workingDaysCutoff). */
export function isIdleForWorkingDays(lastActivity: Date, now: Date, days: number): boolean {
  return lastActivity.getTime() <= workingDaysCutoff(now, days).getTime();
}

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

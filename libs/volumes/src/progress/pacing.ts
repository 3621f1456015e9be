/**
 * Where a target should stand on a given day, where it is heading, and whether it is on pace:
 * pure arithmetic on calendar days, in bigint so that money (fen) and counts share one code path.
 */

/** A cumulative target to reach by a date (a program's yearly milestone). */
export interface PacePoint {
  /** YYYY-MM-DD */
  date: string;
  value: bigint;
}

export type PaceStatus = 'ahead' | 'on_track' | 'behind';

/** Within this share of the expected figure, a target is on track. */
export const ON_TRACK_TOLERANCE = 0.05;

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

/** Days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from);

/** a × numerator ÷ denominator, rounded half up, exact for any size of `a`. */
function scale(a: bigint, numerator: number, denominator: number): bigint {
  if (denominator <= 0) return a;
  const n = BigInt(Math.round(numerator));
  const d = BigInt(Math.round(denominator));
  return (a * n * 2n + d) / (d * 2n);
}

/**
 * The figure expected by the end of `today` on the way to `target` over [startsOn, endsOn]:
 * linear, or piecewise linear through `milestones` (cumulative targets by their dates) when the
 * program defines them. Before the start it is 0, after the end the target.
 */
export function expectedToDate(
  target: bigint,
  startsOn: string,
  endsOn: string,
  today: string,
  milestones: readonly PacePoint[] = [],
): bigint {
  const points: PacePoint[] = [
    { date: startsOn, value: 0n },
    ...milestones.filter((m) => m.date > startsOn && m.date < endsOn).sort((a, b) => (a.date < b.date ? -1 : 1)),
    { date: endsOn, value: target },
  ];
  // Days elapsed count today as a whole day: on the last day the whole target is expected.
  const day = dayNumber(today) + 1;
  if (day <= dayNumber(startsOn)) return 0n;
  for (let i = 1; i < points.length; i++) {
    const [from, to] = [points[i - 1], points[i]];
    const end = dayNumber(to.date) + 1;
    if (day < end) {
      const start = dayNumber(from.date) + (i === 1 ? 0 : 1);
      return from.value + scale(to.value - from.value, day - start, end - start);
    }
  }
  return target;
}

/**
 * The figure at `endsOn` if the trailing twelve months' pace (`lastYear`, what was added in the
 * 365 days up to today) continues for the days that remain.
 */
export function projected(actual: bigint, lastYear: bigint, today: string, endsOn: string): bigint {
  const remaining = Math.max(0, daysBetween(today, endsOn));
  return actual + scale(lastYear, remaining, 365);
}

/** ahead or behind by more than ON_TRACK_TOLERANCE of the expected figure, else on track. */
export function paceStatus(actual: bigint, expected: bigint): PaceStatus {
  if (expected <= 0n) return actual > 0n ? 'ahead' : 'on_track';
  // Compared in integers: actual / expected against 1 ± tolerance, in hundredths.
  const tolerance = BigInt(Math.round(ON_TRACK_TOLERANCE * 100));
  if (actual * 100n > expected * (100n + tolerance)) return 'ahead';
  if (actual * 100n < expected * (100n - tolerance)) return 'behind';
  return 'on_track';
}

/** actual ÷ target as a percentage with two decimals (null without a target). */
export function percentOf(actual: bigint, target: bigint | null): number | null {
  if (target === null || target <= 0n) return null;
  return Number((actual * 10_000n * 2n + target) / (target * 2n)) / 100;
}

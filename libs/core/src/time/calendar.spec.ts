import { describe, expect, it } from '@jest/globals';
import { addYears, isIdleForWorkingDays, platformDate, workingDaysCutoff } from './calendar.js';

describe('platformDate', () => {
  it('gives the date in Chongqing, eight hours ahead of UTC', () => {
    expect(platformDate(new Date('2026-11-28T15:59:59Z'))).toBe('2026-11-28');
    expect(platformDate(new Date('2026-11-28T16:00:00Z'))).toBe('2026-11-29');
  });
});

describe('addYears', () => {
  it('adds whole years', () => {
    expect(addYears('2026-11-28', 1)).toBe('2027-11-28');
    expect(addYears('2026-01-31', 5)).toBe('2031-01-31');
  });

  it('turns 29 February into 28 February in a common year', () => {
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(addYears('2028-02-29', 4)).toBe('2032-02-29');
  });
});

/** An instant given as Chongqing wall-clock time. */
const cq = (local: string) => new Date(`${local}+08:00`);

// 2026-11-27 is a Friday; 2026-11-28/29 the weekend; 2026-11-30 a Monday.
describe('workingDaysCutoff and isIdleForWorkingDays', () => {
  it('counts only Monday to Friday: Friday 15:00 is three working days old on Wednesday at 15:00, not a minute before', () => {
    expect(workingDaysCutoff(cq('2026-12-02T15:00:00'), 3)).toEqual(cq('2026-11-27T15:00:00'));
    expect(isIdleForWorkingDays(cq('2026-11-27T15:00:00'), cq('2026-12-02T15:00:00'), 3)).toBe(true);
    expect(isIdleForWorkingDays(cq('2026-11-27T15:00:00'), cq('2026-12-02T14:59:59'), 3)).toBe(false);
  });

  it('counts whole weekdays within a week', () => {
    // Monday 09:00 → Thursday 09:00.
    expect(isIdleForWorkingDays(cq('2026-11-30T09:00:00'), cq('2026-12-03T09:00:00'), 3)).toBe(true);
    expect(isIdleForWorkingDays(cq('2026-11-30T09:00:00'), cq('2026-12-03T08:59:59'), 3)).toBe(false);
  });

  it('starts the count of something touched on a weekend on Monday at 00:00', () => {
    for (const weekend of ['2026-11-28T00:00:00', '2026-11-28T10:00:00', '2026-11-29T23:59:59']) {
      expect(isIdleForWorkingDays(cq(weekend), cq('2026-12-02T23:59:59'), 3)).toBe(false);
      expect(isIdleForWorkingDays(cq(weekend), cq('2026-12-03T00:00:00'), 3)).toBe(true);
    }
  });

  it('does not age anything over a weekend', () => {
    // Thursday 12:00: on Saturday and Sunday it is still only one and a half working days old.
    const thursdayNoon = cq('2026-11-26T12:00:00');
    expect(isIdleForWorkingDays(thursdayNoon, cq('2026-11-29T23:59:59'), 2)).toBe(false);
    expect(isIdleForWorkingDays(thursdayNoon, cq('2026-11-30T11:59:59'), 2)).toBe(false);
    expect(isIdleForWorkingDays(thursdayNoon, cq('2026-11-30T12:00:00'), 2)).toBe(true);
  });

  it('gives the latest instant of a weekend (Monday 00:00) when the cutoff lands on one', () => {
    // Three working days before Thursday 00:00 is the end of Friday, the whole weekend, or Monday 00:00: the latest wins.
    expect(workingDaysCutoff(cq('2026-12-03T00:00:00'), 3)).toEqual(cq('2026-11-30T00:00:00'));
  });

  it('counts back from a weekend "now" as from the Friday midnight before it', () => {
    expect(workingDaysCutoff(cq('2026-11-29T12:00:00'), 3)).toEqual(cq('2026-11-25T00:00:00'));
    expect(workingDaysCutoff(cq('2026-11-28T00:00:00'), 3)).toEqual(cq('2026-11-25T00:00:00'));
  });

  it('spans several weekends: five working days before Monday 10:00 is the Monday before', () => {
    expect(workingDaysCutoff(cq('2026-11-30T10:00:00'), 5)).toEqual(cq('2026-11-23T10:00:00'));
    expect(workingDaysCutoff(cq('2026-11-30T10:00:00'), 10)).toEqual(cq('2026-11-16T10:00:00'));
  });

  it('judges the weekend in Chongqing, not in UTC', () => {
    // Friday 23:30 in Chongqing is 15:30 UTC on Friday; Saturday 07:00 in Chongqing is still Friday in UTC.
    expect(isIdleForWorkingDays(cq('2026-11-27T23:30:00'), cq('2026-12-02T23:30:00'), 3)).toBe(true);
    expect(isIdleForWorkingDays(cq('2026-11-28T07:00:00'), cq('2026-12-02T23:30:00'), 3)).toBe(false);
  });

  it('with zero days is now itself, and refuses a negative or fractional count', () => {
    const now = cq('2026-12-01T10:00:00');
    expect(workingDaysCutoff(now, 0)).toEqual(now);
    expect(() => workingDaysCutoff(now, -1)).toThrow(RangeError);
    expect(() => workingDaysCutoff(now, 1.5)).toThrow(RangeError);
  });
});

import { describe, expect, it } from '@jest/globals';
import { addYears, platformDate } from './calendar.js';

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

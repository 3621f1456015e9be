import { describe, expect, it } from '@jest/globals';
import { expectedToDate, paceStatus, percentOf, projected } from './pacing.js';

describe('pacing', () => {
  // 2021-06-01 … 2026-05-31: 1,826 days.
  const start = '2021-06-01';
  const end = '2026-05-31';
  const target = 3_000_000_000_000n; // 300亿元 in fen

  it('expects nothing before the start and the whole target from the last day on', () => {
    expect(expectedToDate(target, start, end, '2021-05-31')).toBe(0n);
    expect(expectedToDate(target, start, end, end)).toBe(target);
    expect(expectedToDate(target, start, end, '2027-01-01')).toBe(target);
  });

  it('is linear without milestones, counting today as a whole day', () => {
    expect(expectedToDate(1826n, start, end, start)).toBe(1n);
    expect(expectedToDate(1826n, start, end, '2021-06-10')).toBe(10n);
    expect(expectedToDate(target, start, end, '2023-11-30')).toBe((target * 913n) / 1826n);
  });

  it('follows cumulative milestones piecewise', () => {
    const milestones = [
      { date: '2022-05-31', value: 100n },
      { date: '2023-05-31', value: 1_000n },
    ];
    expect(expectedToDate(10_000n, start, end, '2022-05-31', milestones)).toBe(100n);
    expect(expectedToDate(10_000n, start, end, '2023-05-31', milestones)).toBe(1_000n);
    // 182 of the second year's 365 days: 100 + 900 × 182 / 365 = 548.8.
    expect(expectedToDate(10_000n, start, end, '2022-11-29', milestones)).toBe(549n);
    // After the last milestone, on to the target at the end.
    expect(expectedToDate(10_000n, start, end, end, milestones)).toBe(10_000n);
  });

  it('projects the trailing twelve months forward', () => {
    expect(projected(1_000n, 365n, '2025-05-31', '2026-05-31')).toBe(1_365n);
    expect(projected(1_000n, 365n, end, end)).toBe(1_000n);
    expect(projected(1_000n, 365n, '2027-01-01', end)).toBe(1_000n);
  });

  it('is on track within 5% of the expected figure', () => {
    expect(paceStatus(100n, 100n)).toBe('on_track');
    expect(paceStatus(105n, 100n)).toBe('on_track');
    expect(paceStatus(106n, 100n)).toBe('ahead');
    expect(paceStatus(95n, 100n)).toBe('on_track');
    expect(paceStatus(94n, 100n)).toBe('behind');
    expect(paceStatus(0n, 0n)).toBe('on_track');
    expect(paceStatus(1n, 0n)).toBe('ahead');
  });

  it('gives percentages with two decimals, exactly, and none without a target', () => {
    expect(percentOf(1n, 3n)).toBe(33.33);
    expect(percentOf(2n, 3n)).toBe(66.67);
    expect(percentOf(target, target)).toBe(100);
    expect(percentOf(5n, null)).toBeNull();
  });
});

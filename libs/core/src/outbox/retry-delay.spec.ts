import { describe, expect, it } from '@jest/globals';
import { retryDelayMs } from './retry-delay.js';

describe('retryDelayMs', () => {
  it('doubles from the base delay', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1_000, 60_000))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('stops at the cap, however long the outage', () => {
    expect(retryDelayMs(7, 1_000, 60_000)).toBe(60_000);
    expect(retryDelayMs(10_000, 1_000, 60_000)).toBe(60_000);
  });
});

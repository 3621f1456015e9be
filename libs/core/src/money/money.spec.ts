import { describe, expect, it } from '@jest/globals';
import { Money } from './money.js';

describe('Money.parse', () => {
  it('reads yuan with zero to two decimals as exact fen', () => {
    expect(Money.parse('300').fen).toBe(30_000n);
    expect(Money.parse('300.5').fen).toBe(30_050n);
    expect(Money.parse('1234.56').fen).toBe(123_456n);
  });
});

import { describe, expect, it } from '@jest/globals';
import { MAX_FEN, Money } from './money.js';
import { moneyTransformer } from './money.transformer.js';

describe('moneyTransformer', () => {
  it('writes fen as a decimal string, never a number', () => {
    expect(moneyTransformer.to(Money.parse('1234.56'))).toBe('123456');
    expect(moneyTransformer.to(Money.ZERO)).toBe('0');
    expect(moneyTransformer.to(Money.ofFen(MAX_FEN))).toBe('9223372036854775807');
  });

  it('reads the string pg returns for int8 as exact fen', () => {
    const money = moneyTransformer.from('12345') as Money;
    expect(money).toBeInstanceOf(Money);
    expect(money.fen).toBe(12_345n);
    expect(money.toString()).toBe('123.45');
  });

  it('reads the largest bigint without losing precision', () => {
    const money = moneyTransformer.from('9223372036854775807') as Money;
    expect(money.fen).toBe(MAX_FEN);
    expect(money.toString()).toBe('92233720368547758.07');
    // A detour through a JS number would round this to ...5808 and overflow the column.
    expect(Number('9223372036854775807').toString()).not.toBe('9223372036854775807');
  });

  it.each(['0', '1', '12345', '9007199254740993', '9223372036854775807'])('round-trips %s', (column) => {
    expect(moneyTransformer.to(moneyTransformer.from(column))).toBe(column);
  });

  it('passes null and undefined through', () => {
    expect(moneyTransformer.from(null)).toBeNull();
    expect(moneyTransformer.to(null)).toBeNull();
    expect(moneyTransformer.to(undefined)).toBeUndefined();
  });

  it('refuses a negative column value instead of inventing an amount', () => {
    expect(() => moneyTransformer.from('-1')).toThrow(RangeError);
  });
});

import { describe, expect, it } from '@jest/globals';
import { MAX_FEN, Money, MoneyParseError } from './money.js';

describe('Money.parse', () => {
  it.each([
    ['0', 0n],
    ['300', 30_000n],
    ['300.5', 30_050n],
    ['300.05', 30_005n],
    ['0.01', 1n],
    ['1234.56', 123_456n],
    ['92233720368547758.07', MAX_FEN],
  ])('reads %j as exactly %d fen', (input, fen) => {
    expect(Money.parse(input).fen).toBe(fen);
  });

  it('gives the largest storable amount for the maximum input', () => {
    expect(MAX_FEN).toBe(2n ** 63n - 1n);
    expect(Money.parse('92233720368547758.07').toString()).toBe('92233720368547758.07');
  });

  it.each([
    '1e3',
    '-1',
    '+1',
    '0.001',
    '1.',
    '.5',
    '01',
    '00.5',
    ' 1',
    '1 ',
    '1,000',
    '1_000',
    '',
    'NaN',
    'Infinity',
    '0x10',
    '１,０００',
    '１２３',
    '１２３４．５６',
    '92233720368547758.08',
    '100000000000000000000',
  ])('refuses the string %j', (input) => {
    expect(() => Money.parse(input)).toThrow(MoneyParseError);
  });

  it.each([1234.56, 100, 0, 10n, null, undefined, {}, ['1']])('refuses the non-string %p', (input) => {
    expect(() => Money.parse(input)).toThrow(MoneyParseError);
  });

  it('explains a JSON number differently from a malformed string', () => {
    expect(() => Money.parse(1234.56)).toThrow('must be a decimal string such as "1234.56", not a number');
    expect(() => Money.parse('1e3')).toThrow('must be a non-negative decimal string with at most two decimals, such as "1234.56"');
    expect(() => Money.parse('92233720368547758.08')).toThrow('is larger than the largest amount that can be stored');
  });

  it('names its error class', () => {
    let caught: unknown;
    try {
      Money.parse('-1');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MoneyParseError);
    expect((caught as Error).name).toBe('MoneyParseError');
  });
});

describe('Money.tryParse', () => {
  it('returns the amount or undefined instead of throwing', () => {
    expect(Money.tryParse('12.30')?.fen).toBe(1_230n);
    expect(Money.tryParse('12.345')).toBeUndefined();
    expect(Money.tryParse(12.3)).toBeUndefined();
  });
});

describe('Money.toString and toJSON', () => {
  it.each([
    ['0', '0.00'],
    ['0.5', '0.50'],
    ['0.05', '0.05'],
    ['7', '7.00'],
    ['1234.56', '1234.56'],
  ])('prints %j as %j', (input, printed) => {
    expect(Money.parse(input).toString()).toBe(printed);
  });

  it('prints whole yuan with two decimals', () => {
    expect(Money.ofYuan(30_000_000_000n).toString()).toBe('30000000000.00');
    expect(Money.ofYuan(30_000_000_000n).fen).toBe(3_000_000_000_000n);
  });

  it('serialises to the wire format inside JSON', () => {
    expect(Money.parse('300.5').toJSON()).toBe('300.50');
    expect(JSON.stringify({ amount: Money.parse('1234.56'), zero: Money.ZERO })).toBe('{"amount":"1234.56","zero":"0.00"}');
  });

  it('round-trips through parse', () => {
    for (const input of ['0.00', '0.01', '99.99', '1234.56', '92233720368547758.07']) {
      expect(Money.parse(Money.parse(input).toString()).toString()).toBe(input);
    }
  });
});

describe('Money.ofFen and Money.ofYuan', () => {
  it('accepts zero and the largest storable amount', () => {
    expect(Money.ofFen(0n)).toBe(Money.ZERO);
    expect(Money.ofFen(MAX_FEN).fen).toBe(MAX_FEN);
    expect(Money.ofFen(1n).toString()).toBe('0.01');
  });

  it('refuses a negative amount', () => {
    expect(() => Money.ofFen(-1n)).toThrow(RangeError);
    expect(() => Money.ofFen(-1n)).toThrow('Money cannot be negative (-1 fen)');
    expect(() => Money.ofYuan(-1n)).toThrow(RangeError);
  });

  it('refuses more than a bigint column holds', () => {
    expect(() => Money.ofFen(MAX_FEN + 1n)).toThrow(RangeError);
    expect(() => Money.ofFen(MAX_FEN + 1n)).toThrow('Money exceeds the largest storable amount (9223372036854775808 fen)');
    expect(() => Money.ofYuan(MAX_FEN / 100n + 1n)).toThrow(RangeError);
  });
});

describe('Money arithmetic', () => {
  const a = Money.parse('1234.56');
  const b = Money.parse('0.44');

  it('adds exactly', () => {
    expect(a.plus(b).fen).toBe(123_500n);
    expect(Money.parse('0.1').plus(Money.parse('0.2')).toString()).toBe('0.30');
  });

  it('subtracts exactly, down to zero', () => {
    expect(a.minus(b).fen).toBe(123_412n);
    expect(a.minus(a).isZero()).toBe(true);
    expect(a.minus(a)).toBe(Money.ZERO);
  });

  it('refuses to go below zero', () => {
    expect(() => b.minus(a)).toThrow(RangeError);
    expect(() => Money.ZERO.minus(Money.ofFen(1n))).toThrow('Money cannot be negative (-1 fen)');
  });

  it('refuses a sum beyond the largest storable amount', () => {
    expect(() => Money.ofFen(MAX_FEN).plus(Money.ofFen(1n))).toThrow(RangeError);
  });

  it('compares', () => {
    expect(a.compare(b)).toBe(1);
    expect(b.compare(a)).toBe(-1);
    expect(a.compare(Money.parse('1234.56'))).toBe(0);
  });

  it('tests equality by value', () => {
    expect(a.equals(Money.parse('1234.56'))).toBe(true);
    expect(Money.parse('300.5').equals(Money.parse('300.50'))).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(Money.parse('0.01').equals(Money.parse('0.1'))).toBe(false);
  });

  it('reports zero', () => {
    expect(Money.ZERO.isZero()).toBe(true);
    expect(Money.parse('0.00').isZero()).toBe(true);
    expect(Money.parse('0.01').isZero()).toBe(false);
  });

  it('sums any iterable', () => {
    expect(Money.sum([a, b, Money.parse('100')]).toString()).toBe('1335.00');
    expect(Money.sum(new Set([a, b])).fen).toBe(123_500n);
    expect(Money.sum([])).toBe(Money.ZERO);
    expect(() => Money.sum([Money.ofFen(MAX_FEN), Money.ofFen(1n)])).toThrow(RangeError);
  });
});

import { describe, expect, it } from '@jest/globals';
import { Money } from '#yizhi/core';
import { canonicalJson, toJsonValue } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: '中文' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"中文","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('gives the same text whatever order the keys were written in', () => {
    expect(canonicalJson({ title: '碳化硅', status: 'draft', tags: ['SiC'] })).toBe(
      canonicalJson({ tags: ['SiC'], status: 'draft', title: '碳化硅' }),
    );
  });

  it('keeps the order of arrays', () => {
    expect(canonicalJson(['b', 'a', 2, 1])).toBe('["b","a",2,1]');
  });

  it('sorts keys by UTF-16 code unit, as RFC 8785 does', () => {
    // Capitals sort before lower case; an astral character (a surrogate pair, 0xD83D…) before U+FFFF.
    expect(canonicalJson({ b: 1, a: 2, Z: 3, '\uffff': 4, '😀': 5, 中: 6, é: 7 })).toBe(
      '{"Z":3,"a":2,"b":1,"é":7,"中":6,"😀":5,"\uffff":4}',
    );
  });

  it('drops undefined members of objects and writes undefined items of arrays as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1], c: null })).toBe('{"b":[null,1],"c":null}');
  });

  it('writes Dates as ISO strings, Money as its wire string and bigints as decimal strings', () => {
    const value = {
      at: new Date('2026-03-01T08:00:00.123Z'),
      askingPrice: Money.parse('300000000'),
      fen: 12_345_678_901_234_567_890n,
    };
    expect(canonicalJson(value)).toBe('{"askingPrice":"300000000.00","at":"2026-03-01T08:00:00.123Z","fen":"12345678901234567890"}');
  });

  it('writes strings as JSON.stringify does: Chinese as is, control characters and quotes escaped', () => {
    expect(canonicalJson('重庆"高新区"\n\t\\ \u0007 😀 \u2028')).toBe('"重庆\\"高新区\\"\\n\\t\\\\ \\u0007 😀 \u2028"');
  });

  it('writes numbers in their shortest round-trip form, and -0 as 0', () => {
    expect(canonicalJson([1, 1.5, -0, 0.1 + 0.2, 1e21, 1e-7, 2 ** 60, -42])).toBe(
      '[1,1.5,0,0.30000000000000004,1e+21,1e-7,1152921504606847000,-42]',
    );
  });

  it('uses toJSON of any object that has one', () => {
    expect(canonicalJson({ x: { toJSON: () => ({ b: 2, a: 1 }) } })).toBe('{"x":{"a":1,"b":2}}');
  });

  it('reads class instances (entities) by their own enumerable fields', () => {
    class Listing {
      constructor(
        readonly title: string,
        readonly maturity: number,
      ) {}
    }
    expect(canonicalJson(new Listing('MEMS传感器', 6))).toBe('{"maturity":6,"title":"MEMS传感器"}');
  });

  it('accepts the same object twice when it is not its own ancestor', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"k":1},"b":[{"k":1}]}');
  });

  it.each([
    ['NaN', { n: NaN }, '$.n is NaN'],
    ['Infinity', { n: [Infinity] }, '$.n[0] is Infinity'],
    ['an invalid Date', { at: new Date('nope') }, '$.at is an invalid Date'],
    ['a function', { f: () => 1 }, '$.f is a function'],
    ['a symbol', { s: Symbol('s') }, '$.s is a symbol'],
    ['a Map', { m: new Map() }, '$.m is a Map'],
    ['a Set', { s: new Set([1]) }, '$.s is a Set'],
    ['undefined', undefined, 'undefined has no JSON form'],
  ])('refuses %s rather than change it silently', (_, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => canonicalJson(cyclic)).toThrow('$.self.back refers back to one of its ancestors');
  });

  it('gives the same text for what a jsonb column gives back: keys reordered, numbers rewritten', () => {
    const original = { z: { b: [1e21, 0.5, 1e-7], a: '两江新区' }, y: 2 ** 60, x: null };
    // As PostgreSQL 15 prints that jsonb value (keys by length, then bytes; numbers as numeric).
    const fromJsonb = '{"x": null, "y": 1152921504606847000, "z": {"a": "两江新区", "b": [1000000000000000000000, 0.5, 0.0000001]}}';
    expect(canonicalJson(JSON.parse(fromJsonb))).toBe(canonicalJson(original));
  });

  it('is a fixed point: the canonical text of the parsed canonical text is itself', () => {
    const value = { before: { amount: Money.parse('1234.5'), at: new Date(0), n: -0, list: [undefined, { b: 1n, a: '中' }] } };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});

describe('toJsonValue', () => {
  it('gives the plain JSON value that will be stored', () => {
    expect(toJsonValue({ amount: Money.parse('12.3'), at: new Date('2026-01-02T03:04:05.006Z'), gone: undefined })).toEqual({
      amount: '12.30',
      at: '2026-01-02T03:04:05.006Z',
    });
  });

  it('gives null for null and undefined', () => {
    expect(toJsonValue(null)).toBeNull();
    expect(toJsonValue(undefined)).toBeNull();
  });
});

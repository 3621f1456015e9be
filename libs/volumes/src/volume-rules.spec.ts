import { describe, expect, it } from '@jest/globals';
import { cellParams, InvalidLedgerCellError, normalizeCells, VOLUME_LOCKS } from './volume-rules.js';

const A = '0b8e2a4e-8a57-4d38-9d1c-000000000001';
const B = '0B8E2A4E-8A57-4D38-9D1C-000000000002';

describe('normalizeCells', () => {
  it('dedupes and sorts by base then month, with ids in lower case', () => {
    const cells = normalizeCells([
      { baseId: B, month: '2026-01' },
      { baseId: A, month: '2026-05' },
      { baseId: A, month: '2025-12' },
      { baseId: B.toLowerCase(), month: '2026-01' },
    ]);
    expect(cells).toEqual([
      { baseId: A, month: '2025-12' },
      { baseId: A, month: '2026-05' },
      { baseId: B.toLowerCase(), month: '2026-01' },
    ]);
  });

  it('refuses a malformed month or base id', () => {
    for (const cell of [
      { baseId: A, month: '2026-13' },
      { baseId: A, month: '2026-5' },
      { baseId: A, month: '2026-05-01' },
      { baseId: 'base', month: '2026-05' },
    ]) {
      expect(() => normalizeCells([cell])).toThrow(InvalidLedgerCellError);
    }
  });
});

describe('cellParams', () => {
  it('gives parallel arrays of base ids and first days', () => {
    expect(cellParams([{ baseId: A, month: '2026-05' }])).toEqual([[A], ['2026-05-01']]);
  });
});

describe('VOLUME_LOCKS', () => {
  it('names one key per base month and one per listing, apart from the global key', () => {
    const keys = [VOLUME_LOCKS.global, VOLUME_LOCKS.majorResult(A), VOLUME_LOCKS.cell({ baseId: A, month: '2026-05' })];
    expect(new Set(keys).size).toBe(3);
    expect(VOLUME_LOCKS.cell({ baseId: A, month: '2026-05' })).toBe(`volumes:cell:${A}:2026-05`);
  });
});

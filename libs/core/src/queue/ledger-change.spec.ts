import { describe, expect, it } from '@jest/globals';
import { mergeLedgerChanges, type LedgerChange } from './queue-names.js';

const A = '0b0c6f0e-0000-4000-8000-00000000000a';
const B = '0b0c6f0e-0000-4000-8000-00000000000b';

const change = (overrides: Partial<LedgerChange>): LedgerChange => ({
  entity: 'deal',
  id: 'e1',
  action: 'verify',
  cells: [],
  dealIds: [],
  ...overrides,
});

describe('mergeLedgerChanges', () => {
  it('leaves one change as it is', () => {
    const one = change({ cells: [{ baseId: A, month: '2026-05' }], dealIds: ['d1'] });
    expect(mergeLedgerChanges([one])).toBe(one);
  });

  it('takes the union of the cells, deals and listings, each once', () => {
    const merged = mergeLedgerChanges([
      change({ id: 'e1', cells: [{ baseId: A, month: '2026-05' }], dealIds: ['d1'], listingIds: ['l1'] }),
      change({
        id: 'e2',
        entity: 'payment',
        cells: [
          { baseId: A, month: '2026-05' },
          { baseId: B, month: '2026-04' },
        ],
        dealIds: ['d1', 'd2'],
      }),
      change({ id: 'e3', entity: 'service_record', cells: [{ baseId: B, month: '2026-04' }] }),
    ]);
    expect(merged).toEqual({
      entity: 'merged',
      id: 'e1',
      action: '3 changes',
      cells: [
        { baseId: A, month: '2026-05' },
        { baseId: B, month: '2026-04' },
      ],
      dealIds: ['d1', 'd2'],
      listingIds: ['l1'],
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { isStale, STALE_AFTER_SECONDS, type VolumesFreshness } from './volumes.service.js';

const fresh: VolumesFreshness = {
  refreshedAt: new Date(),
  rebuiltAt: null,
  ledgerChangedAt: new Date(),
  unreflectedSince: null,
  lagSeconds: 0,
  outbox: { pending: 0, oldestAgeSeconds: null },
};

describe('isStale', () => {
  it('is fresh when nothing waits, or nothing has waited an hour', () => {
    expect(isStale(fresh)).toBe(false);
    expect(isStale({ ...fresh, lagSeconds: STALE_AFTER_SECONDS, outbox: { pending: 3, oldestAgeSeconds: STALE_AFTER_SECONDS } })).toBe(
      false,
    );
  });

  it('is stale when a ledger change has gone unreflected, or a volumes event unrelayed, for over an hour', () => {
    expect(isStale({ ...fresh, lagSeconds: STALE_AFTER_SECONDS + 1 })).toBe(true);
    expect(isStale({ ...fresh, outbox: { pending: 1, oldestAgeSeconds: STALE_AFTER_SECONDS + 1 } })).toBe(true);
  });
});

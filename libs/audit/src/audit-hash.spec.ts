import { describe, expect, it } from '@jest/globals';
import { auditHash, GENESIS_HASH, type AuditContent } from './audit-hash.js';

const content = (): AuditContent => ({
  seq: '1',
  at: new Date('2026-03-01T08:00:00.123Z'),
  actorId: '5b0c6a0e-2f4d-4c55-9a8e-1d2f3a4b5c6d',
  actorRole: 'institute',
  action: 'listing.submit',
  entity: 'listing',
  entityId: '0b9d4c7e-8f8e-4c1a-9a57-3c4f1f0f1a2b',
  before: { title: '碳化硅功率模块', status: 'draft', askingPrice: '300000000.00' },
  after: { title: '碳化硅功率模块', status: 'pending_review', askingPrice: '300000000.00' },
});

describe('auditHash', () => {
  it('links the first event to 64 zeros', () => {
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  /**
   * Computed outside this code base, with
   * `printf '%s' '<64 zeros>{"action":…,"seq":"1"}' | sha256sum`. If this test fails, every chain
   * already stored would fail verification: change the format only with a migration of the chain.
   */
  it('matches the golden vector: sha256 hex of prevHash followed by the canonical JSON', () => {
    expect(auditHash(GENESIS_HASH, content())).toBe('31f6e00cfcb1389029b87039621137393c4ae60ac89a65c6fd6d99132d5a58c7');
  });

  it('is 64 lower-case hex digits', () => {
    expect(auditHash(GENESIS_HASH, content())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the key order of before and after (jsonb reorders them)', () => {
    const reordered = { ...content(), before: { askingPrice: '300000000.00', status: 'draft', title: '碳化硅功率模块' } };
    expect(auditHash(GENESIS_HASH, reordered)).toBe(auditHash(GENESIS_HASH, content()));
  });

  it('changes with the previous hash', () => {
    expect(auditHash('f'.repeat(64), content())).not.toBe(auditHash(GENESIS_HASH, content()));
  });

  it.each<[string, Partial<AuditContent>]>([
    ['seq', { seq: '2' }],
    ['at, by one millisecond', { at: new Date('2026-03-01T08:00:00.124Z') }],
    ['actorId', { actorId: null }],
    ['actorRole', { actorRole: 'admin' }],
    ['action', { action: 'listing.withdraw' }],
    ['entity', { entity: 'need' }],
    ['entityId', { entityId: '0b9d4c7e-8f8e-4c1a-9a57-3c4f1f0f1a2c' }],
    ['a nested value of before', { before: { title: '碳化硅功率模块', status: 'draft', askingPrice: '300000000.01' } }],
    ['after', { after: null }],
  ])('changes with %s', (_, change) => {
    expect(auditHash(GENESIS_HASH, { ...content(), ...change })).not.toBe(auditHash(GENESIS_HASH, content()));
  });
});

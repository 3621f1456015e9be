import { describe, expect, it } from '@jest/globals';
import { auditHash, GENESIS_HASH } from './audit-hash.js';
import { ChainVerifier, type ChainHead, type ChainLink } from './chain-verifier.js';

/** A valid chain with the given seqs (gaps allowed, as rolled-back appends leave them). */
function chain(seqs: number[]): ChainLink[] {
  const links: ChainLink[] = [];
  let prevHash = GENESIS_HASH;
  for (const seq of seqs) {
    const content = {
      seq: String(seq),
      at: new Date(Date.UTC(2026, 2, 1, 8, 0, 0, seq)),
      actorId: null,
      actorRole: null,
      action: 'listing.submit',
      entity: 'listing',
      entityId: `listing-${seq}`,
      before: { status: 'draft', n: seq },
      after: { status: 'pending_review', n: seq },
    };
    const hash = auditHash(prevHash, content);
    links.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return links;
}

const headOf = (links: ChainLink[]): ChainHead =>
  links.length
    ? { lastSeq: links[links.length - 1].seq, lastHash: links[links.length - 1].hash }
    : { lastSeq: '0', lastHash: GENESIS_HASH };

function verify(links: ChainLink[], head: ChainHead) {
  const verifier = new ChainVerifier(head);
  for (const link of links) if (!verifier.accept(link)) break;
  return verifier.result();
}

describe('ChainVerifier', () => {
  it('accepts an empty chain', () => {
    expect(verify([], headOf([]))).toEqual({ ok: true, checked: 0, firstBrokenSeq: null });
  });

  it('accepts an intact chain, seq gaps included', () => {
    const links = chain([1, 2, 5, 6, 9]);
    expect(verify(links, headOf(links))).toEqual({ ok: true, checked: 5, firstBrokenSeq: null });
  });

  it('reports an event whose content was changed', () => {
    const links = chain([1, 2, 3, 4, 5]);
    const head = headOf(links);
    links[2] = { ...links[2], after: { status: 'published', n: 3 } };
    expect(verify(links, head)).toEqual({ ok: false, checked: 3, firstBrokenSeq: '3' });
  });

  it('reports the next event when the changed one was re-hashed too', () => {
    const links = chain([1, 2, 3, 4, 5]);
    const head = headOf(links);
    const forged = { ...links[2], actorRole: 'admin' };
    links[2] = { ...forged, hash: auditHash(forged.prevHash, forged) };
    expect(verify(links, head)).toEqual({ ok: false, checked: 4, firstBrokenSeq: '4' });
  });

  it('reports the event after one that was deleted', () => {
    const links = chain([1, 2, 3, 4, 5]);
    const head = headOf(links);
    expect(verify([...links.slice(0, 2), ...links.slice(3)], head)).toEqual({ ok: false, checked: 3, firstBrokenSeq: '4' });
  });

  it('reports a deleted first event', () => {
    const links = chain([1, 2, 3]);
    expect(verify(links.slice(1), headOf(links))).toMatchObject({ ok: false, firstBrokenSeq: '2' });
  });

  it("reports the head's seq when the tail was deleted", () => {
    const links = chain([1, 2, 3, 4, 5]);
    expect(verify(links.slice(0, 3), headOf(links))).toEqual({ ok: false, checked: 3, firstBrokenSeq: '5' });
  });

  it('reports an event beyond the head, even one linked correctly (inserted around record)', () => {
    const links = chain([1, 2, 3, 4]);
    expect(verify(links, headOf(links.slice(0, 3)))).toEqual({ ok: false, checked: 4, firstBrokenSeq: '4' });
  });

  it('reports a head that does not match the last event', () => {
    const links = chain([1, 2, 3]);
    expect(verify(links, { lastSeq: '3', lastHash: 'f'.repeat(64) })).toEqual({ ok: false, checked: 3, firstBrokenSeq: '3' });
  });

  it('reports an event whose prev_hash was changed', () => {
    const links = chain([1, 2, 3]);
    const head = headOf(links);
    links[1] = { ...links[1], prevHash: 'a'.repeat(64) };
    expect(verify(links, head)).toMatchObject({ ok: false, firstBrokenSeq: '2' });
  });

  it('takes nothing more once broken', () => {
    const links = chain([1, 2, 3]);
    const verifier = new ChainVerifier(headOf(links));
    expect(verifier.accept({ ...links[0], hash: 'b'.repeat(64) })).toBe(false);
    expect(verifier.accept(links[1])).toBe(false);
    expect(verifier.result()).toEqual({ ok: false, checked: 1, firstBrokenSeq: '1' });
  });
});

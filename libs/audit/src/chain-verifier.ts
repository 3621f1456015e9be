import { auditHash, GENESIS_HASH, type AuditContent } from './audit-hash.js';

/** One stored event as the verifier needs it. */
export interface ChainLink extends AuditContent {
  prevHash: string;
  hash: string;
}

/** Where the chain ends, as the head row says: `lastSeq` "0" while it is empty. */
export interface ChainHead {
  lastSeq: string;
  lastHash: string;
}

export interface ChainVerification {
  ok: boolean;
  /** Events examined, up to and including the first broken one. */
  checked: number;
  firstBrokenSeq: string | null;
}

/**
 * Checks a chain fed to it in seq order, one event at a time, so that the caller can stream it in
 * batches. An event is broken when its hash does not match its content, when its `prev_hash` is
 * not the previous event's hash, or when it lies beyond the head (it was inserted around
 * `AuditService.record`). A chain that stops short of the head lost its tail: the head's seq is
 * then reported, since the seqs of the missing events are unknown (seqs may have gaps).
 */
export class ChainVerifier {
  private previousHash = GENESIS_HASH;
  private previousSeq = '0';
  private checked = 0;
  private broken: string | null = null;

  constructor(private readonly head: ChainHead) {}

  /** False once the chain is broken: there is no point in feeding it more. */
  accept(link: ChainLink): boolean {
    if (this.broken !== null) return false;
    this.checked++;
    const intact =
      BigInt(link.seq) <= BigInt(this.head.lastSeq) && link.prevHash === this.previousHash && auditHash(link.prevHash, link) === link.hash;
    if (!intact) {
      this.broken = link.seq;
      return false;
    }
    this.previousHash = link.hash;
    this.previousSeq = link.seq;
    return true;
  }

  result(): ChainVerification {
    let firstBrokenSeq = this.broken;
    if (firstBrokenSeq === null && (this.previousSeq !== this.head.lastSeq || this.previousHash !== this.head.lastHash)) {
      firstBrokenSeq = this.head.lastSeq;
    }
    return { ok: firstBrokenSeq === null, checked: this.checked, firstBrokenSeq };
  }
}

import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The one row that says where the audit chain ends. `AuditService.record` locks it with
 * `SELECT … FOR UPDATE` to append, which serialises appends: each takes the hash it links to, and
 * its seq, only once the previous append has committed. A row lock rather than an advisory lock
 * because it is also correct under REPEATABLE READ (a stale head there is a serialisation
 * failure, not a fork of the chain), and because the head lets `verify` notice a deleted tail,
 * which links alone cannot show.
 */
@Entity('audit_chain_head')
@Check('audit_chain_head_single_row_check', 'id = 1')
export class AuditChainHead {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'audit_chain_head_pkey' })
  id: number;

  /** Seq of the last event; 0 while there is none (identity seqs start at 1). */
  @Column({ name: 'last_seq', type: 'bigint' })
  lastSeq: string;

  @Column({ name: 'last_hash', type: 'char', length: 64 })
  lastHash: string;
}

/**
 * Every BullMQ queue and job name, in one place. Never rename a shipped value: a rename strands
 * the jobs already queued under the old name.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Matching = 'matching',
  Volumes = 'volumes',
}

export enum JobName {
  PurgeExpiredRefreshTokens = 'purge-expired-refresh-tokens',
  ExpireListings = 'expire-listings',
  PurgeDispatchedOutbox = 'purge-dispatched-outbox',
  ComputeMatches = 'compute-matches',
  PurgeIdempotencyKeys = 'purge-idempotency-keys',
  ScanAnomalies = 'scan-anomalies',
  LedgerChanged = 'ledger-changed',
  RebuildVolumes = 'rebuild-volumes',
  CheckVolumesFreshness = 'check-volumes-freshness',
}

/** The typed payload of each job. */
export interface JobPayloads {
  [JobName.PurgeExpiredRefreshTokens]: Record<string, never>;
  [JobName.ExpireListings]: Record<string, never>;
  [JobName.PurgeDispatchedOutbox]: Record<string, never>;
  /** Recompute one catalogue item's matches from its current state (or drop them when it left the catalogue). */
  [JobName.ComputeMatches]: { kind: 'listing' | 'need'; id: string };
  [JobName.PurgeIdempotencyKeys]: Record<string, never>;
  [JobName.ScanAnomalies]: Record<string, never>;
  /** A ledger change, and the (base, month) cells of the volumes it may have moved. */
  [JobName.LedgerChanged]: LedgerChange;
  /** Reconcile the rollups with the ledger (recording any drift), then replace every one from it. */
  [JobName.RebuildVolumes]: Record<string, never>;
  /** Report how far the rollups lag the ledger; a rebuild follows when they lag too far. */
  [JobName.CheckVolumesFreshness]: Record<string, never>;
}

/** A base's month: `YYYY-MM`. */
export interface LedgerCell {
  baseId: string;
  month: string;
}

/**
 * What one ledger write changed: `entity`/`id`/`action` name it as its audit event does, and `cells`
 * are the base months whose totals it may have moved (a deal's signing month before and after, a
 * payment's or an adjustment's month, a service's month). For a deal, the months of its payments
 * and adjustments are touched too whenever it starts or stops counting; the consumer looks those
 * up itself (`dealIds`), as they are the same whatever the write.
 */
export interface LedgerChange {
  /** `merged`: several changes relayed as one job (mergeLedgerChanges); `id` is then the first one's. */
  entity: 'deal' | 'payment' | 'adjustment' | 'service_record' | 'import' | 'merged';
  id: string;
  action: string;
  cells: LedgerCell[];
  dealIds: string[];
  /** Listings whose major result the change may move: a deal's listing before and after (absent: none). */
  listingIds?: string[];
}

/**
 * Several ledger changes as one: the union of their cells, deals and listings. A recompute of the
 * union gives what the recomputes of each would (each reads the ledger as it stands and replaces
 * what it covers), in one transaction instead of one each.
 */
export function mergeLedgerChanges(changes: readonly LedgerChange[]): LedgerChange {
  if (changes.length === 1) return changes[0];
  const cells = new Map<string, LedgerCell>();
  for (const change of changes) for (const cell of change.cells ?? []) cells.set(`${cell.baseId}:${cell.month}`, cell);
  const union = (pick: (change: LedgerChange) => readonly string[] | undefined) => [...new Set(changes.flatMap((c) => pick(c) ?? []))];
  return {
    entity: 'merged',
    id: changes[0].id,
    action: `${changes.length} changes`,
    cells: [...cells.values()],
    dealIds: union((c) => c.dealIds),
    listingIds: union((c) => c.listingIds),
  };
}

/**
 * Jobs the outbox relay may merge when it finds several of them in one batch: idempotent
 * recomputations whose payloads have a union. Under load (200 deal verifications a second) this
 * turns hundreds of recompute jobs into a few.
 */
export const MERGEABLE_JOBS: { readonly [J in JobName]?: (payloads: readonly JobPayloads[J][]) => JobPayloads[J] } = {
  [JobName.LedgerChanged]: mergeLedgerChanges,
};

/** Which queue carries each job. */
export const JOB_QUEUE: { readonly [J in JobName]: QueueName } = {
  [JobName.PurgeExpiredRefreshTokens]: QueueName.Maintenance,
  [JobName.ExpireListings]: QueueName.Maintenance,
  [JobName.PurgeDispatchedOutbox]: QueueName.Maintenance,
  [JobName.ComputeMatches]: QueueName.Matching,
  [JobName.PurgeIdempotencyKeys]: QueueName.Maintenance,
  [JobName.ScanAnomalies]: QueueName.Maintenance,
  [JobName.LedgerChanged]: QueueName.Volumes,
  [JobName.RebuildVolumes]: QueueName.Volumes,
  [JobName.CheckVolumesFreshness]: QueueName.Volumes,
};

/** Bounds that keep Redis memory flat: finished jobs stay readable for a while, then go. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
} as const;

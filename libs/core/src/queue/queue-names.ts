/**
 * Every BullMQ queue and job name, in one place. Never rename a shipped value: a rename strands
 * the jobs already queued under the old name.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Matching = 'matching',
}

export enum JobName {
  PurgeExpiredRefreshTokens = 'purge-expired-refresh-tokens',
  ExpireListings = 'expire-listings',
  PurgeDispatchedOutbox = 'purge-dispatched-outbox',
  ComputeMatches = 'compute-matches',
  PurgeIdempotencyKeys = 'purge-idempotency-keys',
  ScanAnomalies = 'scan-anomalies',
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
}

/** Which queue carries each job. */
export const JOB_QUEUE: { readonly [J in JobName]: QueueName } = {
  [JobName.PurgeExpiredRefreshTokens]: QueueName.Maintenance,
  [JobName.ExpireListings]: QueueName.Maintenance,
  [JobName.PurgeDispatchedOutbox]: QueueName.Maintenance,
  [JobName.ComputeMatches]: QueueName.Matching,
  [JobName.PurgeIdempotencyKeys]: QueueName.Maintenance,
  [JobName.ScanAnomalies]: QueueName.Maintenance,
};

/** Bounds that keep Redis memory flat: finished jobs stay readable for a while, then go. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
} as const;

import { JobName, PLATFORM_TIME_ZONE } from '#yizhi/core';

/** Repeating jobs, upserted as BullMQ job schedulers at start-up (idempotent across workers). Cron in Chongqing time. */
export const SCHEDULES: readonly { id: string; job: JobName; pattern: string }[] = [
  { id: 'purge-expired-refresh-tokens-hourly', job: JobName.PurgeExpiredRefreshTokens, pattern: '17 * * * *' },
  // Just after midnight, when yesterday's last valid day has ended.
  { id: 'expire-listings-daily', job: JobName.ExpireListings, pattern: '5 0 * * *' },
  // Hourly, so that each run deletes about an hour's worth of rows.
  { id: 'purge-dispatched-outbox-hourly', job: JobName.PurgeDispatchedOutbox, pattern: '43 * * * *' },
  { id: 'purge-idempotency-keys-hourly', job: JobName.PurgeIdempotencyKeys, pattern: '29 * * * *' },
  // At night, when the ledger is quiet.
  { id: 'scan-anomalies-nightly', job: JobName.ScanAnomalies, pattern: '10 2 * * *' },
  // After the anomaly scan, still at night: the rollups reconciled with the ledger, then all replaced from it.
  { id: 'rebuild-volumes-nightly', job: JobName.RebuildVolumes, pattern: '40 2 * * *' },
  // Hourly: a rebuild follows when the rollups lag the ledger by more than an hour.
  { id: 'check-volumes-freshness-hourly', job: JobName.CheckVolumesFreshness, pattern: '53 * * * *' },
];

export const SCHEDULE_TIME_ZONE = PLATFORM_TIME_ZONE;

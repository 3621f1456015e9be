import { JobName } from '#yizhi/core';

/** Repeating jobs, upserted as BullMQ job schedulers at start-up (idempotent across workers). */
export const SCHEDULES: readonly { id: string; job: JobName; pattern: string }[] = [
  { id: 'purge-expired-refresh-tokens-hourly', job: JobName.PurgeExpiredRefreshTokens, pattern: '17 * * * *' },
];

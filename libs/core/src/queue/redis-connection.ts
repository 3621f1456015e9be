import type { RedisOptions } from 'bullmq';

/** Connection options for BullMQ, which builds its own (blocking) connections from them. */
export function redisConnectionOptions(redisUrl: string): RedisOptions {
  // Workers block on Redis; they must wait for it to come back rather than fail a command.
  return { url: redisUrl, maxRetriesPerRequest: null };
}

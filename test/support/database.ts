import pg from 'pg';
import { migrate } from '#yizhi/database';
import { runSeed } from '../../apps/api/src/cli/run-seed.js';

let prepared: Promise<void> | undefined;

/**
 * Applies the real migrations and the seed to this run's database, once: the first suite to get
 * here does it under an advisory lock while the others wait, then find nothing left to do.
 */
export function prepareTestDatabase(): Promise<void> {
  prepared ??= (async () => {
    const databaseUrl = process.env.DATABASE_URL!;
    if (!new URL(databaseUrl).pathname.includes('test')) throw new Error(`Refusing to test against ${databaseUrl}: its name lacks "test"`);
    const lock = new pg.Client({ connectionString: databaseUrl });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(20210601)');
      await migrate(databaseUrl);
      await runSeed();
    } finally {
      await lock.query('SELECT pg_advisory_unlock(20210601)').catch(() => undefined);
      await lock.end();
    }
  })();
  return prepared;
}

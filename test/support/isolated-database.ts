/**
 * A database and a Redis key prefix of one suite's own, for a suite that must not share the run's
 * (test/support/global-setup.mjs): one that TRUNCATEs tables other suites assert on, bulk-loads
 * rows that would slow them down, or runs worker processes whose outbox relay would otherwise
 * dispatch the other suites' outbox rows (the outbox is per database, whatever the queue prefix).
 *
 * Both are derived from the run's names (`<run database>_<label>`, `<run prefix><label>`), so that
 * global teardown removes them even when the suite could not. Jest gives each test file its own
 * copy of process.env: pointing DATABASE_URL and QUEUE_PREFIX elsewhere here changes this file's
 * apps (createTestApp reads the environment), helpers (`sql`) and child processes only.
 *
 * The seed runs through the BUILT CLI (dist/apps/api/src/cli/seed.js, so `npm run build` first):
 * in-process, SeedModule keeps the configuration the process read first (ConfigModule.forRoot()
 * is evaluated when the module is imported), which names the run's database.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { migrate } from '#yizhi/database';
import { prepareTestDatabase } from './database.js';

export interface IsolatedDatabase {
  /** The suite's database URL (now also process.env.DATABASE_URL). */
  url: string;
  name: string;
  /** Drops the database (unless KEEP_TEST_DATABASE=1). */
  drop(): Promise<void>;
}

const LABEL = /^[a-z][a-z0-9_]{0,20}$/;
const SEED_SCRIPT = 'dist/apps/api/src/cli/seed.js';

function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/**
 * Creates `<run database>_<label>`, migrates and seeds it, and points this file's DATABASE_URL at
 * it. The run's own database is prepared first (prepareTestDatabase, once per file), so that a
 * later createTestApp finds nothing left to do there and boots on this one.
 */
export async function useIsolatedDatabase(label: string): Promise<IsolatedDatabase> {
  if (!LABEL.test(label)) throw new Error(`A database label is lower-case letters, digits and _ (got "${label}")`);
  if (!existsSync(SEED_SCRIPT))
    throw new Error(`${SEED_SCRIPT} is missing: an isolated database is seeded by the built CLI (npm run build)`);
  await prepareTestDatabase();
  const runUrl = new URL(process.env.DATABASE_URL!);
  const runName = runUrl.pathname.slice(1);
  if (!runName.includes('test')) throw new Error(`Refusing to derive a database from "${runName}": its name lacks "test"`);
  const name = `${runName}_${label}`;
  const admin = new pg.Client({ connectionString: maintenanceUrl(runUrl.toString()) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
  } finally {
    await admin.end();
  }
  const url = new URL(runUrl.toString());
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  await migrate(url.toString());
  execFileSync(process.execPath, [SEED_SCRIPT], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    url: url.toString(),
    name,
    async drop() {
      if (process.env.KEEP_TEST_DATABASE === '1') return;
      const client = new pg.Client({ connectionString: maintenanceUrl(url.toString()) });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Points this file's QUEUE_PREFIX at `<run prefix><label>` (still hash-tagged, and under the run's
 * prefix, which global teardown clears): the workers of other suites never take its jobs.
 */
export function useOwnQueuePrefix(label: string): string {
  if (!LABEL.test(label)) throw new Error(`A prefix label is lower-case letters, digits and _ (got "${label}")`);
  const prefix = `${process.env.QUEUE_PREFIX!}${label}`;
  process.env.QUEUE_PREFIX = prefix;
  return prefix;
}

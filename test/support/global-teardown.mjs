// Drops this run's database (and those suites derived from it) and deletes every Redis key under its prefix.
import { Redis } from 'ioredis';
import pg from 'pg';

export default async function globalTeardown() {
  const url = new URL(process.env.DATABASE_URL);
  const name = url.pathname.slice(1);
  if (!name.includes('test')) throw new Error(`Refusing to drop "${name}": its name lacks "test"`);
  if (process.env.KEEP_TEST_DATABASE !== '1') {
    url.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      // The databases suites derived from it (test/support/isolated-database.ts), should one have been left behind.
      const derived = await admin.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`${name}_`]);
      for (const { datname } of derived.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
  const redis = new Redis(process.env.REDIS_URL);
  try {
    const pattern = `${process.env.QUEUE_PREFIX.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

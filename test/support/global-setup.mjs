// Jest global set-up (plain JavaScript: Jest loads this file natively, outside its TypeScript
// transform). It creates this run's own database, from template0 with C.UTF-8 as the app does,
// and gives the run its own Redis key prefix. The first suite to start applies the real
// migrations and the seed (test/support/database.ts); global teardown drops both.
import pg from 'pg';

export default async function globalSetup() {
  const run = `${Date.now().toString(36)}_${process.pid}`;
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `yizhi_test_${run}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  // Jest's workers inherit this environment.
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: url.toString(),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `{yizhi-test-${run}}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests act from many client IPs through X-Forwarded-For: the login throttle counts per IP.
    TRUST_PROXY: 'true',
    // One secret for every app a suite boots: passport registers its strategies process-wide, so
    // the last app's JWT strategy verifies tokens for all of them.
    JWT_SECRET: `test-secret-${run}-0123456789abcdef0123456789`,
    ADMIN_EMAIL: 'admin@yizhi.test',
    ADMIN_PASSWORD: 'admin-password-for-tests',
  });
}

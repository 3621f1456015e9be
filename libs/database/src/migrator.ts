import { DataSource } from 'typeorm';
import { assertTrigramSupport, dropTestDatabase, ensureDatabase } from '#yizhi/core';
import { dataSourceOptions } from './data-source-options.js';

/** Creates the database if missing (C.UTF-8), applies pending migrations, checks pg_trgm. Returns the names applied. */
export async function migrate(databaseUrl: string, options: { checkTrigrams?: boolean } = {}): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const dataSource = await new DataSource(
    dataSourceOptions({ databaseUrl }, { poolSize: 1, applicationName: 'yizhi-migrate' }),
  ).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (options.checkTrigrams ?? true) await assertTrigramSupport(dataSource);
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** The SQL that would bring this database's schema in line with the entities; empty when they agree. */
export async function pendingSchemaChanges(databaseUrl: string): Promise<{ up: string[]; down: string[] }> {
  const dataSource = await new DataSource(dataSourceOptions({ databaseUrl }, { poolSize: 1, applicationName: 'yizhi-drift' })).initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query).reverse() };
  } finally {
    await dataSource.destroy();
  }
}

/**
 * What the migrations lack compared with the entities: migrates a scratch database (dropped
 * afterwards) and asks for its pending schema changes. Empty means they agree.
 */
export async function schemaDrift(databaseUrl: string): Promise<{ up: string[]; down: string[] }> {
  const scratch = new URL(databaseUrl);
  scratch.pathname = `/yizhi_drift_test_${process.pid}_${Date.now()}`;
  const scratchUrl = scratch.toString();
  try {
    // The check of pg_trgm belongs to real databases; a scratch one may predate the extension's migration.
    await migrate(scratchUrl, { checkTrigrams: false });
    return await pendingSchemaChanges(scratchUrl);
  } finally {
    await dropTestDatabase(scratchUrl);
  }
}

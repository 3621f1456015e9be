import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '#yizhi/core';
import { ENTITIES, MIGRATIONS } from './schema.js';

/**
 * The one set of TypeORM options used by the API, the worker, the migration commands and the
 * tests. The schema only ever changes through migrations: `synchronize` is off everywhere.
 */
export function dataSourceOptions(
  config: Pick<AppConfig, 'databaseUrl'>,
  overrides: { poolSize?: number; applicationName?: string } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    applicationName: overrides.applicationName ?? 'yizhi',
    poolSize: overrides.poolSize ?? 10,
    // Failed queries reach the exception filter, which logs the unexpected ones; expected ones (a unique
    // violation answered with 409) would only be noise here.
    logging: ['warn', 'migration'],
    extra: {
      // Fail fast when PostgreSQL is unreachable rather than hang a request.
      connectionTimeoutMillis: 5_000,
      // A statement that runs this long is a bug or an attack; cut it off.
      statement_timeout: 30_000,
    },
  };
}

import type pg from 'pg';
import type { DataSource } from 'typeorm';

/** Runs one parameterised statement and returns its rows. */
export type SqlRunner = (sql: string, params: unknown[]) => Promise<unknown[]>;

/**
 * A SqlRunner on the pool of TypeORM's PostgreSQL driver: one `pool.query` per statement, without
 * the QueryRunner TypeORM builds, connects and releases around each. For hot read paths (search),
 * where that wrapping was a measurable share of a request's CPU; errors are pg's own, which the
 * exception filter maps as it maps TypeORM's.
 */
export function poolRunner(dataSource: DataSource): SqlRunner {
  return async (sql, params) => {
    const pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
    return (await pool.query(sql, params)).rows;
  };
}

/**
 * A DIAGNOSTIC micro-benchmark for `npm run bench`: the query behind GET /api/v1/bases on a cache
 * miss (a hit never reaches it), run from Node without HTTP, once through a raw `pg` Pool and once
 * through TypeORM's query builder (getMany, which also hydrates Base entities, as the API does),
 * both with the API's pool size (10) and as many concurrent callers as the HTTP benchmark has
 * connections. Started as a child of bench/run.ts; prints one JSON object (DbQueryReport) on stdout.
 *
 * Env: DATABASE_URL, BENCH_DB_DURATION (seconds per measurement), BENCH_CONNECTIONS (callers).
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { Base } from '#yizhi/bases';
import { dataSourceOptions } from '#yizhi/database';

export interface DbQueryFigures {
  label: string;
  callers: number;
  poolSize: number;
  seconds: number;
  operations: number;
  opsPerSecond: number;
  rowsPerOperation: number;
  latencyMs: { mean: number; p50: number; p99: number };
  /** CPU time of this Node process (pg or TypeORM, GC included) per query; PostgreSQL's is not counted. */
  nodeCpuUsPerOp: number;
}

export interface DbQueryReport {
  sql: string;
  results: DbQueryFigures[];
}

const POOL_SIZE = 10;
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/yizhi_bench';
const seconds = Number(process.env.BENCH_DB_DURATION ?? '5');
const callers = Number(process.env.BENCH_CONNECTIONS ?? '50');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(label: string, durationSeconds: number, operation: () => Promise<number>): Promise<DbQueryFigures> {
  const latencies: number[] = [];
  let rows = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const end = started + durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        rows = await operation();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    label,
    callers,
    poolSize: POOL_SIZE,
    seconds: round(elapsed),
    operations: latencies.length,
    opsPerSecond: Math.round(latencies.length / elapsed),
    rowsPerOperation: rows,
    latencyMs: { mean: round(mean), p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) },
    nodeCpuUsPerOp: round((cpu.user + cpu.system) / Math.max(1, latencies.length)),
  };
}

const dataSource = await new DataSource(
  dataSourceOptions({ databaseUrl }, { poolSize: POOL_SIZE, applicationName: 'yizhi-bench' }),
).initialize();
const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE, application_name: 'yizhi-bench' });
try {
  // Exactly the repository's query for GET /api/v1/bases with no filter (limit 20 + 1).
  const builder = () => dataSource.getRepository(Base).createQueryBuilder('b').orderBy('b.kind').addOrderBy('b.code').limit(21);
  const [sql, parameters] = builder().getQueryAndParameters();
  if (parameters.length) throw new Error(`unexpected parameters: ${JSON.stringify(parameters)}`);

  const rawPg = async () => (await pool.query(sql)).rowCount ?? 0;
  const typeorm = async () => (await builder().getMany()).length;

  // Short warm-ups (JIT, connections), then the measurements.
  await measure('warm-up', 1, rawPg);
  const raw = await measure('raw pg Pool.query', seconds, rawPg);
  await measure('warm-up', 1, typeorm);
  const orm = await measure('TypeORM getMany', seconds, typeorm);

  const report: DbQueryReport = { sql, results: [raw, orm] };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await pool.end();
  await dataSource.destroy();
}

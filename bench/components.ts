/**
 * A DIAGNOSTIC breakdown for `npm run bench`: CPU time per operation of small pieces that
 * GET /api/v1/bases runs on every request beyond bare Fastify, each in a hot loop in one process,
 * measured with process.cpuUsage(). Hot loops are optimistic (warm caches, no contention): read
 * the figures as orders of magnitude. Started by bench/run.ts with stdout to /dev/null (pino
 * writes there, as the API's stdout does in the benchmark) and an IPC channel, over which it
 * sends one ComponentsReport. Reads the 20 bases from the bench database.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ArgumentMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { Base, BaseView, ListBasesQueryDto } from '#yizhi/bases';
import { createRootLogger, createValidationPipe, IS_PUBLIC, Public } from '#yizhi/core';
import { dataSourceOptions } from '#yizhi/database';
import { HttpMetrics } from '../apps/api/src/metrics/http-metrics.js';

export interface ComponentFigure {
  name: string;
  /** What one operation is. */
  note: string;
  operations: number;
  cpuUsPerOp: number;
}

export interface ComponentsReport {
  figures: ComponentFigure[];
}

const SECONDS = Number(process.env.BENCH_COMPONENT_SECONDS ?? '2');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/yizhi_bench';

async function perOp(name: string, note: string, operation: () => unknown): Promise<ComponentFigure> {
  const run = async (forMs: number) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let operations = 0;
    while (performance.now() - t0 < forMs) {
      for (let i = 0; i < 100; i++) {
        const result = operation();
        if (result instanceof Promise) await result;
      }
      operations += 100;
    }
    const cpu = process.cpuUsage(cpu0);
    return { operations, cpuUs: cpu.user + cpu.system };
  };
  await run(500); // warm-up
  const { operations, cpuUs } = await run(SECONDS * 1000);
  return { name, note, operations, cpuUsPerOp: Math.round((cpuUs / operations) * 100) / 100 };
}

const dataSource = await new DataSource(dataSourceOptions({ databaseUrl }, { poolSize: 1, applicationName: 'yizhi-bench' })).initialize();
let bases: Base[];
try {
  bases = await dataSource.getRepository(Base).find({ order: { kind: 'ASC', code: 'ASC' }, take: 20 });
} finally {
  await dataSource.destroy();
}

/** Stands in for BasesController: a @Public() handler, for the AccessGuard's metadata lookup. */
class PublicController {
  @Public()
  list(): void {}
}

const view = { items: bases.map(BaseView.of), nextCursor: null };
const figures: ComponentFigure[] = [];
figures.push(await perOp('BaseView.of x 20', 'the controller maps the 20 entities (40 Date.toISOString)', () => bases.map(BaseView.of)));
figures.push(
  await perOp('JSON.stringify(page)', `${Buffer.byteLength(JSON.stringify(view))} bytes, as Fastify serialises it`, () =>
    JSON.stringify(view),
  ),
);
const pipe = createValidationPipe();
const metadata: ArgumentMetadata = { type: 'query', metatype: ListBasesQueryDto, data: undefined };
figures.push(
  await perOp('ValidationPipe(ListBasesQueryDto)', 'class-transformer + class-validator on an empty query', () =>
    pipe.transform({}, metadata),
  ),
);
const reflector = new Reflector();
const targets = [PublicController.prototype.list, PublicController];
figures.push(
  await perOp('AccessGuard metadata lookup', 'Reflector.getAllAndOverride(IS_PUBLIC, [handler, class])', () =>
    reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets),
  ),
);
const logger = createRootLogger({ logLevel: 'info' }, 'yizhi-bench');
const line = { method: 'GET', url: '/api/v1/bases', statusCode: 200, ms: 1.2 };
figures.push(await perOp('pino child logger', 'Fastify makes one per request, at any level', () => logger.child({ reqId: 'x' })));
figures.push(
  await perOp('pino child + request line', 'the info line, written to /dev/null', () => logger.child({ reqId: 'x' }).info(line, 'request')),
);
const metrics = new HttpMetrics();
figures.push(
  await perOp('prom-client histogram observe', 'the onResponse hook', () => metrics.observe('GET', '/api/v1/bases', 200, 0.0042)),
);
figures.push(await perOp('crypto.randomUUID', 'the request id', () => randomUUID()));

const report: ComponentsReport = { figures };
const send = process.send?.bind(process);
if (send) await new Promise<void>((resolve, reject) => send(report, undefined, undefined, (error) => (error ? reject(error) : resolve())));
else console.error(JSON.stringify(report));
process.exit(0);

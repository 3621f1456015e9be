/**
 * A DIAGNOSTIC breakdown for `npm run bench`: CPU time per operation of small pieces of
 * GET /api/v1/bases, each in a hot loop in one process, measured with process.cpuUsage() (all
 * threads, so pino's asynchronous writes count). Each figure says when the API runs the piece:
 * on every request (the cached path included), only on a cache miss, or once at start-up.
 * Hot loops are optimistic (warm caches, no contention): read the figures as orders of magnitude.
 * Started by bench/run.ts with stdout to /dev/null (pino writes there, as the API's stdout does in
 * the benchmark) and an IPC channel, over which it sends one ComponentsReport. Reads the 20 bases
 * from the bench database.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ArgumentMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import type { FastifyInstance } from 'fastify';
import { DataSource } from 'typeorm';
import { Base, BASES_CACHE_TAG, BaseView, ListBasesQueryDto } from '#yizhi/bases';
import { CachedResponse, createRootLogger, createValidationPipe, IS_PUBLIC, ResponseCache } from '#yizhi/core';
import { dataSourceOptions } from '#yizhi/database';
import { HttpMetrics } from '../apps/api/src/metrics/http-metrics.js';
import { helmetHeaders } from '../apps/api/src/security-headers.js';

/** When the API runs the piece for GET /api/v1/bases. */
export type ComponentWhen = 'every request' | 'cache miss' | 'start-up';

export interface ComponentFigure {
  name: string;
  when: ComponentWhen;
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
const ROUTE = '/api/v1/bases';
/** Operations between two turns of the event loop. */
const BATCH = 1_000;

async function perOp(name: string, when: ComponentWhen, note: string, operation: () => unknown): Promise<ComponentFigure> {
  const run = async (forMs: number) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let operations = 0;
    while (performance.now() - t0 < forMs) {
      for (let i = 0; i < BATCH; i++) {
        const result = operation();
        if (result instanceof Promise) await result;
      }
      operations += BATCH;
      // Let I/O callbacks run (pino's asynchronous writes), as the server's event loop does.
      await nextTurn();
    }
    const cpu = process.cpuUsage(cpu0);
    return { operations, cpuUs: cpu.user + cpu.system };
  };
  await run(500); // warm-up
  const { operations, cpuUs } = await run(SECONDS * 1000);
  return { name, when, note, operations, cpuUsPerOp: Math.round((cpuUs / operations) * 100) / 100 };
}

const dataSource = await new DataSource(dataSourceOptions({ databaseUrl }, { poolSize: 1, applicationName: 'yizhi-bench' })).initialize();
let bases: Base[];
try {
  bases = await dataSource.getRepository(Base).find({ order: { kind: 'ASC', code: 'ASC' }, take: 20 });
} finally {
  await dataSource.destroy();
}

/** Stands in for BasesController.list: the same decorator (which also makes the route public). */
class StandInController {
  @CachedResponse(BASES_CACHE_TAG, 30)
  list(): void {}
}

const figures: ComponentFigure[] = [];

// ---- on every request, the cached path included

/**
 * ResponseCache's hooks driven directly, with stand-ins for Fastify's request and reply (their
 * header() and send() do nothing): the lookup itself, not Fastify's sending of the reply.
 */
const hooks = new Map<string, (...args: unknown[]) => void>();
const cache = new ResponseCache();
cache.attach({ addHook: (name: string, hook: (...args: unknown[]) => void) => hooks.set(name, hook) } as unknown as FastifyInstance);
const onRequest = hooks.get('onRequest');
const onSend = hooks.get('onSend');
if (!onRequest || !onSend) throw new Error('ResponseCache.attach did not add an onRequest and an onSend hook');
const routeOptions = {
  url: ROUTE,
  config: Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, StandInController.prototype.list) as unknown,
};
const reply = {
  statusCode: 200,
  header() {
    return this;
  },
  getHeader: () => 'application/json; charset=utf-8',
  send() {
    return this;
  },
};
const body = JSON.stringify({ items: bases.map(BaseView.of), nextCursor: null });
const missed = { method: 'GET', url: ROUTE, routeOptions };
onRequest(missed, reply, () => {});
onSend(missed, reply, body, () => {});
const cacheHit = () => {
  let hit = true;
  onRequest({ method: 'GET', url: ROUTE, routeOptions }, reply, () => (hit = false));
  return hit;
};
if (!cacheHit()) throw new Error('the stand-in request is not a cache hit');
figures.push(await perOp('ResponseCache hit lookup', 'every request', 'its onRequest hook, reply stubbed', cacheHit));

const logger = createRootLogger({ logLevel: 'info' }, 'yizhi-bench');
const line = { method: 'GET', url: ROUTE, statusCode: 200, ms: 1.2 };
figures.push(
  await perOp('pino child logger', 'every request', 'Fastify makes one per request, at any level', () => logger.child({ reqId: 'x' })),
);
figures.push(
  await perOp('pino child + request line', 'every request', 'the info line, written asynchronously to /dev/null', () =>
    logger.child({ reqId: 'x' }).info(line, 'request'),
  ),
);
const metrics = new HttpMetrics();
figures.push(
  await perOp('prom-client histogram observe', 'every request', 'the onResponse hook', () => metrics.observe('GET', ROUTE, 200, 0.0042)),
);
figures.push(await perOp('crypto.randomUUID', 'every request', 'the request id, in genReqId', () => randomUUID()));

// ---- only on a cache miss

const reflector = new Reflector();
const targets = [StandInController.prototype.list, StandInController];
figures.push(
  await perOp('AccessGuard metadata lookup', 'cache miss', 'Reflector.getAllAndOverride(IS_PUBLIC, [handler, class])', () =>
    reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets),
  ),
);
const pipe = createValidationPipe();
const metadata: ArgumentMetadata = { type: 'query', metatype: ListBasesQueryDto, data: undefined };
figures.push(
  await perOp('ValidationPipe(ListBasesQueryDto)', 'cache miss', 'class-transformer + class-validator on an empty query', () =>
    pipe.transform({}, metadata),
  ),
);
figures.push(
  await perOp('BaseView.of x 20', 'cache miss', 'the controller maps the 20 entities (40 Date.toISOString)', () => bases.map(BaseView.of)),
);
const view = { items: bases.map(BaseView.of), nextCursor: null };
figures.push(
  await perOp('JSON.stringify(page)', 'cache miss', `${Buffer.byteLength(JSON.stringify(view))} bytes, as Fastify serialises it`, () =>
    JSON.stringify(view),
  ),
);

// ---- once, at start-up

figures.push(
  await perOp(
    'helmetHeaders()',
    'start-up',
    "helmet's middleware built and run for its 12 headers; @fastify/helmet did this on every request",
    () => helmetHeaders(),
  ),
);

const report: ComponentsReport = { figures };
const send = process.send?.bind(process);
if (send) await new Promise<void>((resolve, reject) => send(report, undefined, undefined, (error) => (error ? reject(error) : resolve())));
else console.error(JSON.stringify(report));
process.exit(0);

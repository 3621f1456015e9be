/**
 * A DIAGNOSTIC variant of the API for `npm run bench`, never for production: the built API
 * (dist/apps/api/src/main.js) with BasesService.list memoised, so that GET /api/v1/bases hits
 * PostgreSQL once and then answers every request from the first result. Everything else (Nest's
 * router, guard, ValidationPipe, BaseView mapping, serialisation, helmet, hooks, logging) runs as
 * in the real API. Comparing it with the real API isolates the cost of the per-request query.
 */
import 'reflect-metadata';
import { BasesService, type Base } from '#yizhi/bases';
import type { Page } from '#yizhi/core';

const original = BasesService.prototype.list;
let first: Promise<Page<Base>> | undefined;
BasesService.prototype.list = function list(this: BasesService, filter: Parameters<BasesService['list']>[0]): Promise<Page<Base>> {
  first ??= original.call(this, filter);
  return first;
};

await import('../apps/api/src/main.js');

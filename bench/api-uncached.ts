/**
 * A DIAGNOSTIC variant of the API for `npm run bench`, never for production: the built API
 * (dist/apps/api/src/main.js) with the response cache switched off (ResponseCache.attach made a
 * no-op, so neither its onRequest lookup nor its onSend store is installed). Every request of
 * GET /api/v1/bases then takes the cache-miss path: Fastify routing into Nest, the AccessGuard,
 * the ValidationPipe, the TypeORM query to PostgreSQL, the BaseView mapping and the JSON
 * serialisation. Everything else (the response-header hook, request ids, the metrics hook,
 * logging) runs as in the real API. Comparing it with the real API shows what a cache miss costs.
 */
import 'reflect-metadata';
import { ResponseCache } from '#yizhi/core';

ResponseCache.prototype.attach = function attach(): void {};

await import('../apps/api/src/main.js');

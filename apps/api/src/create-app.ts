import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  AllExceptionsFilter,
  createRootLogger,
  createValidationPipe,
  PinoNestLogger,
  QueueClient,
  ResponseCache,
  UndeclaredQueryInterceptor,
  type AppConfig,
} from '#yizhi/core';
import fastifyMultipart from '@fastify/multipart';
import { IMPORT_MAX_BYTES } from '#yizhi/deals';
import { AccessTokenVerifier } from '#yizhi/identity';
import { AppModule } from './app.module.js';
import { setupOpenApi } from './docs/openapi.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { redactTokenParam } from './operations/queue-board-access.js';
import { registerQueueBoard } from './operations/queue-board.js';
import { registerResponseHeaders } from './security-headers.js';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT_BYTES = 1024 * 1024;

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** One log line per request, when it completes (Fastify's default is two). */
class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: redactTokenParam(request.url),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) request.log.error({ ...line, err: error }, 'request failed');
    else request.log.info(line, 'request');
  }
}

/** Builds the API (initialised, not listening). Used by main.ts, the e2e tests and the benchmark. */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config, 'yizhi-api');
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new RequestLogController(),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    // Keep a caller's X-Request-Id when it is sane, so that one id follows a request across services.
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  if (config.jwtSecretGenerated) logger.warn('JWT_SECRET is not set: using a random per-process secret, so tokens die with the process');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, { logger: new PinoNestLogger(logger) });

  // Multipart for POST /deals/import only (other routes take JSON): one file, a few text fields.
  await app.register(fastifyMultipart, { limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 4, parts: 5, fieldSize: 1024 } });

  app.setGlobalPrefix(API_PREFIX, {
    exclude: [{ path: 'metrics', method: RequestMethod.GET }],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new UndeclaredQueryInterceptor());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(HttpMetrics);
  registerResponseHeaders(fastify);
  // After the security headers, so that cache hits carry them too.
  app.get(ResponseCache).attach(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // After the hooks above, so that the dashboard's responses get the headers and the metrics too.
  const verifier = app.get(AccessTokenVerifier);
  await registerQueueBoard(app, {
    queues: app.get(QueueClient).queues,
    verify: (token) => verifier.verify(token),
    secureCookie: config.nodeEnv === 'production',
  });

  setupOpenApi(app);
  await app.init();
  await fastify.ready();
  return app;
}

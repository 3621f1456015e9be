/** The worker process (no HTTP): BullMQ processors, schedules and the outbox relay. `npm run start:worker`, or part of `npm start`. */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { appConfig, createRootLogger, PinoNestLogger } from '#yizhi/core';
import { WorkerModule } from './worker.module.js';

const logger = createRootLogger(appConfig(), 'yizhi-worker');
const app = await NestFactory.createApplicationContext(WorkerModule, { logger: new PinoNestLogger(logger) });
app.enableShutdownHooks();
await app.init();
logger.info('worker started');

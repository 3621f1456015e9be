import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { loadConfig } from '#yizhi/core';
import { createApiApp } from '../../apps/api/src/create-app.js';
import { prepareTestDatabase } from './database.js';

export interface TestApp {
  app: NestFastifyApplication;
  /** A supertest agent on the running Fastify server. */
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** Boots the real API (real PostgreSQL, real Redis) against this run's database. */
export async function createTestApp(): Promise<TestApp> {
  await prepareTestDatabase();
  const app = await createApiApp(loadConfig());
  const server = app.getHttpServer();
  return { app, http: () => request(server), close: () => app.close() };
}

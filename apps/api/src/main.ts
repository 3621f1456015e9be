/** The HTTP API process: `npm run start:api` (built) or part of `npm start`. */
import 'reflect-metadata';
import { appConfig } from '#yizhi/core';
import { createApiApp } from './create-app.js';

const config = appConfig();
const app = await createApiApp(config);
await app.listen({ port: config.port, host: '0.0.0.0' });
app.getHttpAdapter().getInstance().log.info(`API listening on :${config.port}; docs at /docs`);

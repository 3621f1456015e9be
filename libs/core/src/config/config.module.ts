import { Global, Module } from '@nestjs/common';
import { loadConfig, type AppConfig } from './app-config.js';

/** Injection token for the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

let cached: AppConfig | undefined;

/** The process-wide configuration, read from the environment on first use. */
export function appConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}

@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: appConfig }],
  exports: [APP_CONFIG],
})
export class ConfigModule {}

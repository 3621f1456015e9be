import { Global, Module, type DynamicModule } from '@nestjs/common';
import { loadConfig, type AppConfig } from './app-config.js';

/** Injection token for the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

let cached: AppConfig | undefined;

/** The process-wide configuration, read from the environment on first use. */
export function appConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}

/** Provides APP_CONFIG everywhere: the given config (tests, benchmarks), else the process's own. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = appConfig()): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}

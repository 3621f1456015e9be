import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** Injection token for the shared ioredis client (commands only; BullMQ keeps its own connections). */
export const REDIS = Symbol('REDIS');

export function createRedis(config: AppConfig, connectionName: string): Redis {
  return new Redis(config.redisUrl, {
    connectionName,
    // Fail a command quickly while Redis is away instead of queueing it forever.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [{ provide: REDIS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRedis(config, 'yizhi') }, RedisCloser],
  exports: [REDIS],
})
export class RedisModule {}

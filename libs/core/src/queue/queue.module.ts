import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DEFAULT_JOB_OPTIONS, QueueName } from './queue-names.js';
import { redisConnectionOptions } from './redis-connection.js';

/** BullMQ over the configured Redis, with every queue of the QueueName enum registered. */
@Module({})
export class QueueModule {
  static register(): DynamicModule {
    const queues = Object.values(QueueName).map((name) => ({ name }));
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            connection: redisConnectionOptions(config.redisUrl),
            prefix: config.queuePrefix,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        BullModule.registerQueue(...queues),
      ],
      exports: [BullModule],
    };
  }
}

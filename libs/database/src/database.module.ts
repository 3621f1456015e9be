import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, assertTrigramSupport, type AppConfig } from '#yizhi/core';
import { dataSourceOptions } from './data-source-options.js';

/**
 * TypeORM for a Nest app. On start it checks that the migrations have been applied and that
 * pg_trgm can index Chinese, and refuses to start otherwise.
 */
@Module({})
export class DatabaseModule {
  static forRoot(applicationName: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => dataSourceOptions(config, { applicationName }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (await dataSource.showMigrations()) {
              await dataSource.destroy();
              throw new Error('The database has pending migrations: run `npm run migration:run` first');
            }
            await assertTrigramSupport(dataSource);
            return dataSource;
          },
        }),
      ],
    };
  }
}

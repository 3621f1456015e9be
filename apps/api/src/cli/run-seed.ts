/**
 * The seed: the bases, the field taxonomy, the five-year program and the bootstrap admin.
 * Idempotent: it only inserts what is missing and never overwrites an edit.
 */
import { NestFactory } from '@nestjs/core';
import { BasesService } from '#yizhi/bases';
import { appConfig } from '#yizhi/core';
import { FieldsService } from '#yizhi/fields';
import { UsersService } from '#yizhi/identity';
import { ProgramsService } from '#yizhi/programs';
import { SeedModule } from './seed.module.js';

export interface SeedReport {
  bases: number;
  fields: number;
  programs: number;
  admin: boolean;
}

export async function runSeed(): Promise<SeedReport> {
  const config = appConfig();
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    return {
      bases: await app.get(BasesService).seed(),
      fields: await app.get(FieldsService).seed(),
      programs: await app.get(ProgramsService).seed(),
      admin: await app.get(UsersService).ensureAdmin(config.adminEmail, config.adminPassword),
    };
  } finally {
    await app.close();
  }
}

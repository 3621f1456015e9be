import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Job } from 'bullmq';
import { JobHandler } from './job-handler.decorator.js';
import { checkJobHandlers, JobRegistry, JobRegistryError } from './job-registry.js';
import { JobName, QueueName } from './queue-names.js';

const PURGE = JobName.PurgeExpiredRefreshTokens;

/** One handler at `where` for every job name. */
const everyJob = () => Object.values(JobName).map((name) => ({ name, where: `${name}Handler.run` }));

/** The JobRegistryError that checkJobHandlers throws for `found`. */
function registryError(found: { name: string; where: string }[]): JobRegistryError {
  try {
    checkJobHandlers(found);
  } catch (error) {
    if (error instanceof JobRegistryError) return error;
    throw error;
  }
  throw new Error('checkJobHandlers accepted the handlers');
}

describe('checkJobHandlers', () => {
  it('passes with exactly one handler per job name', () => {
    expect(() => checkJobHandlers(everyJob())).not.toThrow();
  });

  it('refuses a job name without a handler', () => {
    const error = registryError(everyJob().filter((h) => h.name !== PURGE));
    expect(error.name).toBe('JobRegistryError');
    expect(error.message).toBe(`Job handlers are misconfigured:\n- job "${PURGE}" has no handler`);
  });

  it('refuses an empty set of handlers, naming every job', () => {
    const error = registryError([]);
    for (const name of Object.values(JobName)) expect(error.message).toContain(`job "${name}" has no handler`);
  });

  it('refuses two handlers for one job, naming both places', () => {
    const error = registryError([...everyJob(), { name: PURGE, where: 'OtherService.purge' }]);
    expect(error.message).toBe(`Job handlers are misconfigured:\n- job "${PURGE}" has 2 handlers: ${PURGE}Handler.run, OtherService.purge`);
  });

  it('refuses a handler for a job name that does not exist', () => {
    const error = registryError([...everyJob(), { name: 'send-newsletter', where: 'MailService.send' }]);
    expect(error.message).toBe('Job handlers are misconfigured:\n- MailService.send handles unknown job "send-newsletter"');
  });

  it('lists every problem at once', () => {
    const error = registryError([{ name: 'typo', where: 'A.run' }]);
    expect(error.message.split('\n- ').slice(1)).toEqual([
      ...Object.values(JobName).map((n) => `job "${n}" has no handler`),
      'A.run handles unknown job "typo"',
    ]);
  });
});

describe('JobRegistry', () => {
  @Injectable()
  class PurgeHandler {
    readonly calls: unknown[] = [];

    @JobHandler(PURGE)
    async purge(payload: unknown): Promise<string> {
      this.calls.push(payload);
      return 'purged';
    }

    notAHandler(): void {}
  }

  @Injectable()
  class DuplicatePurgeHandler {
    @JobHandler(PURGE)
    async again(): Promise<void> {}
  }

  /** Handles every job but PURGE, so that the completeness check is about PURGE alone, whatever other jobs exist. */
  @Injectable()
  class OtherJobs {}
  for (const name of Object.values(JobName).filter((n) => n !== PURGE)) {
    const key = `handle:${name}`;
    Object.defineProperty(OtherJobs.prototype, key, { value: async () => undefined, writable: true, configurable: true });
    JobHandler(name)(OtherJobs.prototype, key, Object.getOwnPropertyDescriptor(OtherJobs.prototype, key)!);
  }

  const silent = { log() {}, error() {}, warn() {} };

  async function registryWith(...providers: (new (...args: never[]) => object)[]) {
    const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [JobRegistry, OtherJobs, ...providers] })
      .setLogger(silent)
      .compile();
    await moduleRef.init();
    return moduleRef;
  }

  const job = (name: string, data: unknown) => ({ name, data }) as Job;

  it('finds the handlers and dispatches a job to its handler, bound to its instance', async () => {
    const moduleRef = await registryWith(PurgeHandler);
    const registry = moduleRef.get(JobRegistry);
    await expect(registry.dispatch(QueueName.Maintenance, job(PURGE, { olderThan: 'P30D' }))).resolves.toBe('purged');
    expect(moduleRef.get(PurgeHandler).calls).toEqual([{ olderThan: 'P30D' }]);
    await moduleRef.close();
  });

  it('refuses to start when a job has no handler', async () => {
    await expect(registryWith()).rejects.toThrow(`job "${PURGE}" has no handler`);
  });

  it('refuses to start when a job has two handlers, naming both', async () => {
    await expect(registryWith(PurgeHandler, DuplicatePurgeHandler)).rejects.toThrow(
      `job "${PURGE}" has 2 handlers: PurgeHandler.purge, DuplicatePurgeHandler.again`,
    );
  });

  it('refuses a job name it has no handler for', async () => {
    const moduleRef = await registryWith(PurgeHandler);
    await expect(moduleRef.get(JobRegistry).dispatch(QueueName.Maintenance, job('unknown', {}))).rejects.toThrow(
      'No handler for job "unknown" on queue "maintenance"',
    );
    await moduleRef.close();
  });

  it('refuses a job that arrives on the wrong queue', async () => {
    const moduleRef = await registryWith(PurgeHandler);
    await expect(moduleRef.get(JobRegistry).dispatch('other' as QueueName, job(PURGE, {}))).rejects.toThrow(
      `No handler for job "${PURGE}" on queue "other"`,
    );
    expect(moduleRef.get(PurgeHandler).calls).toEqual([]);
    await moduleRef.close();
  });
});

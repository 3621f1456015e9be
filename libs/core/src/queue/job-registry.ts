import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { JOB_HANDLER } from './job-handler.decorator.js';
import { JOB_QUEUE, JobName, type QueueName } from './queue-names.js';

type Handler = (payload: unknown, job: Job) => Promise<unknown>;

export class JobRegistryError extends Error {
  constructor(problems: string[]) {
    super(`Job handlers are misconfigured:\n- ${problems.join('\n- ')}`);
    this.name = 'JobRegistryError';
  }
}

/** Checks that every job name has exactly one @JobHandler, given where each handler was found. */
export function checkJobHandlers(found: ReadonlyArray<{ name: string; where: string }>): void {
  const problems: string[] = [];
  for (const name of Object.values(JobName)) {
    const places = found.filter((h) => h.name === name).map((h) => h.where);
    if (places.length === 0) problems.push(`job "${name}" has no handler`);
    if (places.length > 1) problems.push(`job "${name}" has ${places.length} handlers: ${places.join(', ')}`);
  }
  const known = new Set<string>(Object.values(JobName));
  for (const h of found) if (!known.has(h.name)) problems.push(`${h.where} handles unknown job "${h.name}"`);
  if (problems.length) throw new JobRegistryError(problems);
}

/**
 * Finds every @JobHandler at start-up, refuses to start unless each job name has exactly one,
 * and dispatches jobs from the queue processors to them.
 */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly logger = new Logger(JobRegistry.name);
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const found: { name: string; where: string; handler: Handler }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const name = this.reflector.get<string | undefined>(JOB_HANDLER, fn);
        if (name) found.push({ name, where: `${instance.constructor.name}.${method}`, handler: (fn as Handler).bind(instance) });
      }
    }
    checkJobHandlers(found);
    for (const h of found) this.handlers.set(h.name, h.handler);
    this.logger.log(`${found.length} job handlers registered`);
  }

  async dispatch(queue: QueueName, job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    if (!handler || JOB_QUEUE[job.name as JobName] !== queue) {
      throw new Error(`No handler for job "${job.name}" on queue "${queue}"`);
    }
    return handler(job.data, job);
  }
}

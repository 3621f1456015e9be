import { SetMetadata } from '@nestjs/common';
import type { JobName } from './queue-names.js';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

/** Marks a provider method as the one handler of a job name; the worker checks the set at start-up. */
export const JobHandler = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER, name);

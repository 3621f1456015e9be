import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QueueName, type FoundJob, type QueueJobState } from '#yizhi/core';

const STATES: QueueJobState[] = ['waiting', 'delayed', 'active', 'completed', 'failed'];

export class JobView {
  @ApiProperty({ example: '7d3f8a52-3c1e-8a4b-9f0e-2b6c1d5e4a90' }) id: string;
  @ApiProperty({ example: 'rebuild-volumes', description: 'The job name (JobName)' }) name: string;
  @ApiProperty({ enum: QueueName, enumName: 'QueueName' }) queue: QueueName;
  @ApiProperty({ enum: STATES, description: 'BullMQ\'s "prioritized" and "waiting-children" are reported as "waiting"' })
  state: QueueJobState;
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'object' }, { type: 'string' }, { type: 'boolean' }],
    example: 40,
    description: 'What the handler last reported, usually a percentage; 0 until it reports',
  })
  progress: unknown;
  @ApiPropertyOptional({ description: 'Why the last attempt failed (also while a retry is pending)' }) failedReason?: string;
  @ApiProperty({ example: 0 }) attemptsMade: number;
  @ApiProperty({ format: 'date-time', description: 'When the job was added' }) timestamp: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it completed or finally failed' }) finishedOn?: string;

  static of({ queue, job, state }: FoundJob): JobView {
    return {
      id: job.id!,
      name: job.name,
      queue,
      state,
      progress: job.progress,
      ...(job.failedReason ? { failedReason: job.failedReason } : {}),
      attemptsMade: job.attemptsMade,
      timestamp: new Date(job.timestamp).toISOString(),
      ...(job.finishedOn ? { finishedOn: new Date(job.finishedOn).toISOString() } : {}),
    };
  }
}

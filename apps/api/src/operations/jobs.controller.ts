import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { NotFoundException, QueueClient, Role, Roles } from '#yizhi/core';
import { JobView } from './dto/job.view.js';

@ApiTags('operations')
@Controller('jobs')
export class JobsController {
  constructor(private readonly queues: QueueClient) {}

  @Roles(Role.Admin)
  @Get(':id')
  @ApiOperation({ summary: 'A background job: its queue, state and progress. Finished jobs stay readable for 24 h (failed ones 7 days)' })
  @ApiOkResponse({ type: JobView })
  @ApiServiceUnavailableResponse({
    description: 'Redis cannot be reached (SERVICE_UNAVAILABLE)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorView' } } },
  })
  async get(@Param('id') id: string): Promise<JobView> {
    // Any string: ids are UUIDs (the outbox's), BullMQ's counters or scheduler ids.
    const found = await this.queues.findJob(id);
    if (!found) throw new NotFoundException('Job', id);
    return JobView.of(found);
  }
}

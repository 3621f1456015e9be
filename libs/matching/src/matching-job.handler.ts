import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobHandler, JobName, type JobPayloads } from '#yizhi/core';
import { MatchingService } from './matching.service.js';
import { warmUpAnalyzer } from './text/term-analyzer.js';

@Injectable()
export class MatchingJobHandler implements OnApplicationBootstrap {
  constructor(private readonly matching: MatchingService) {}

  onApplicationBootstrap(): void {
    warmUpAnalyzer();
  }

  @JobHandler(JobName.ComputeMatches)
  run(payload: JobPayloads[JobName.ComputeMatches]): Promise<unknown> {
    return this.matching.refresh(payload.kind, payload.id);
  }
}

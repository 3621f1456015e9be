import { Injectable } from '@nestjs/common';
import { JobHandler, JobName } from '#yizhi/core';
import { AnomaliesService } from './anomalies.service.js';

/** Nightly: every anomaly rule over every deal, for what the write-time checks could not see (a later deal, a new related-party group). */
@Injectable()
export class AnomalyScanHandler {
  constructor(private readonly anomalies: AnomaliesService) {}

  @JobHandler(JobName.ScanAnomalies)
  async scan(): Promise<{ raised: number }> {
    return { raised: await this.anomalies.scanAll() };
  }
}

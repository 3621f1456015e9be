import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  CurrentUser,
  csvLine,
  ForbiddenException,
  JobName,
  platformDate,
  QueueClient,
  Role,
  Roles,
  UTF8_BOM,
  type Principal,
} from '#yizhi/core';
import {
  BreakdownQueryDto,
  BreakdownView,
  ProgressQueryDto,
  ProgressView,
  RebuildAcceptedView,
  type BreakdownRowView,
} from './dto/volumes.dto.js';
import { VolumesReportService } from './progress/volumes-report.service.js';

/** The base a caller may read: an operator its own (403 for another), an admin the one asked for, or all (null). */
function baseOf(caller: Principal, asked: string | undefined): string | null {
  if (caller.role !== Role.Operator) return asked ?? null;
  if (asked !== undefined && asked !== caller.baseId) throw new ForbiddenException("Operators see their own base's volumes only");
  return caller.baseId ?? null;
}

const CSV_HEADERS = ['分组', '名称', '合同数', '合同成交额(元)', '技术交易额(元)', '实际到账(元)', '服务企业数'];
const csvRow = (r: BreakdownRowView) =>
  csvLine([
    r.key,
    r.label,
    String(r.dealCount),
    r.contractAmount,
    r.techTransactionAmount,
    r.receivedAmount,
    r.enterprisesServed?.toString() ?? null,
  ]);

@ApiTags('volumes')
@Controller('volumes')
export class VolumesController {
  constructor(
    private readonly reports: VolumesReportService,
    private readonly queues: QueueClient,
  ) {}

  @Roles(Role.Operator, Role.Admin)
  @Get('progress')
  @ApiOperation({
    summary: "Progress against a program's three targets: the platform's, or one base's against its allocation (an operator: its own)",
  })
  @ApiOkResponse({ type: ProgressView })
  progress(@Query() query: ProgressQueryDto, @CurrentUser() caller: Principal): Promise<ProgressView> {
    return this.reports.progress(query.programId, baseOf(caller, query.baseId));
  }

  @Roles(Role.Operator, Role.Admin)
  @Get('breakdown')
  @ApiOperation({ summary: 'Counted volumes by base, field, month or category, as JSON or CSV (an operator: its own base)' })
  @ApiOkResponse({ type: BreakdownView })
  @ApiProduces('application/json', 'text/csv')
  async breakdown(@Query() query: BreakdownQueryDto, @CurrentUser() caller: Principal): Promise<BreakdownView | StreamableFile> {
    const view = await this.reports.breakdown(query.by, { from: query.from, to: query.to }, baseOf(caller, query.baseId));
    if (query.format !== 'csv') return view;
    const text = [csvLine(CSV_HEADERS), ...view.items.map(csvRow), csvRow(view.total)].join('');
    return new StreamableFile(Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="volumes-by-${query.by}-${platformDate()}.csv"`,
    });
  }

  @Roles(Role.Admin)
  @Post('rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Reconcile the rollups with the ledger (recording any drift), then rebuild them all; follow the job with GET /jobs/:id',
  })
  @ApiAcceptedResponse({ type: RebuildAcceptedView })
  async rebuild(): Promise<RebuildAcceptedView> {
    const job = await this.queues.add(JobName.RebuildVolumes, {}, { jobId: `rebuild-volumes-${randomUUID()}` });
    return { jobId: job.id! };
  }
}

import { Controller, Get, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnprocessableEntityResponse,
  OmitType,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiIdempotencyKey,
  callerScope,
  CurrentUser,
  ForbiddenException,
  idempotencyClaim,
  platformDate,
  Role,
  Roles,
  ValidationFailedException,
  type Principal,
} from '#yizhi/core';
import { DealsRepository } from '../deals.repository.js';
import { DealListQueryDto } from '../dto/deal.dto.js';
import { exportCsv, exportXlsx, templateCsv, templateXlsx } from './deal-export.js';
import { DealImportService, IMPORT_MAX_ROWS, REPORTED_ROWS_MAX, type ImportReport } from './deal-import.service.js';
import { IMPORT_MAX_BYTES, receiveUpload } from './multipart-form.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

class ImportQueryDto {
  @ApiPropertyOptional({ enum: ['partial'], description: 'partial: import the good rows and report the others; by default all or nothing' })
  @IsOptional()
  @IsIn(['partial'], { message: 'mode must be "partial" (or absent, for all or nothing)' })
  mode?: 'partial';
}

class TemplateQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'xlsx' })
  @IsOptional()
  @IsIn(['csv', 'xlsx'], { message: 'format must be "csv" or "xlsx"' })
  format?: 'csv' | 'xlsx';
}

class ExportQueryDto extends OmitType(DealListQueryDto, ['limit', 'cursor'] as const) {
  @ApiProperty({ enum: ['csv', 'xlsx'] })
  @IsIn(['csv', 'xlsx'], { message: 'format must be "csv" or "xlsx"' })
  format: 'csv' | 'xlsx';
}

class ImportRowErrorView {
  @ApiProperty({ description: 'The spreadsheet row (the header is row 1)' }) row: number;
  @ApiProperty({ example: [{ field: 'contractAmount', message: 'contractAmount must be a non-negative decimal string' }] })
  errors: { field: string; message: string }[];
}

class ImportReportView {
  @ApiProperty() accepted: number;
  @ApiProperty({ type: [ImportRowErrorView], description: `The refused rows, at most ${REPORTED_ROWS_MAX}` })
  rejected: ImportRowErrorView[];
  @ApiProperty({ description: 'How many rows were refused in all' }) rejectedCount: number;
  @ApiProperty({ type: [String] }) dealIds: string[];
}

@ApiTags('deals')
@Controller('deals')
export class DealSheetsController {
  constructor(
    private readonly imports: DealImportService,
    private readonly deals: DealsRepository,
  ) {}

  @Roles(Role.Operator, Role.Admin)
  @Post('import')
  @ApiOperation({
    summary: `Import deals from a spreadsheet (CSV in UTF-8, UTF-8 with BOM or GBK, or XLSX; at most ${IMPORT_MAX_ROWS} deals and ${IMPORT_MAX_BYTES / 1024 / 1024} MiB)`,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'Chinese headers (合同名称, 合同类型, 合同成交额(元), …) or English ones' },
        baseId: { type: 'string', format: 'uuid', description: "Default: an operator's own base; admins must send it" },
      },
    },
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: ImportReportView })
  @ApiUnprocessableEntityResponse({ description: 'IMPORT_REJECTED: rows refused (details name rows[N].field), nothing imported' })
  async import(
    @Req() request: FastifyRequest,
    @Query() query: ImportQueryDto,
    @CurrentUser() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportReport> {
    const { file, fields, dispose } = await receiveUpload(request, ['baseId']);
    try {
      const baseId = (fields.baseId ?? caller.baseId)?.toLowerCase();
      if (!baseId) throw ValidationFailedException.field('baseId', 'baseId is required (the base the deals were brokered at)');
      if (!UUID.test(baseId)) throw ValidationFailedException.field('baseId', 'baseId must be a UUID');
      const partial = query.mode === 'partial';
      const claim = idempotencyClaim({
        method: request.method,
        url: request.url,
        headers: request.headers,
        user: (request as FastifyRequest & { user?: Principal }).user,
        body: DealImportService.fingerprintBody(baseId, partial, file),
      });
      const result = await this.imports.import(caller, { baseId, file, partial }, claim);
      if (result.replayed) reply.header('Idempotent-Replayed', 'true');
      return result.body;
    } finally {
      await dispose();
    }
  }

  @Roles(Role.Operator, Role.Admin)
  @Get('import/template')
  @ApiOperation({ summary: 'The import template: XLSX (default, with a sheet explaining each column) or CSV (?format=csv)' })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async template(@Query() query: TemplateQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const format = query.format ?? 'xlsx';
    reply.header('Content-Disposition', `attachment; filename="deals-template.${format}"`);
    reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE);
    return format === 'csv' ? templateCsv() : templateXlsx();
  }

  @Roles(Role.Operator, Role.Admin)
  @Get('export')
  @ApiOperation({
    summary: "The deals you may keep (an operator: its base's), as CSV or XLSX with the import's columns; the list's filters apply",
  })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(@Query() query: ExportQueryDto, @CurrentUser() caller: Principal): Promise<StreamableFile> {
    const scope = callerScope(caller);
    if (query.baseId !== undefined && scope.kind === 'base' && scope.baseId !== query.baseId) {
      throw new ForbiddenException('Operators export their own base only');
    }
    const { format, ...filter } = query;
    const batches = this.deals.exportBatches({ scope, ...filter });
    return new StreamableFile(format === 'csv' ? exportCsv(batches) : exportXlsx(batches), {
      type: format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
      disposition: `attachment; filename="deals-${platformDate()}.${format}"`,
    });
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OmitType } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, validate } from 'class-validator';
import type { EntityManager } from 'typeorm';
import type { AuditEventInput } from '#yizhi/audit';
import {
  DomainException,
  flattenValidationErrors,
  ForbiddenException,
  IdempotencyService,
  Money,
  Role,
  ValidationFailedException,
  type FieldError,
  type IdempotencyClaim,
  type IdempotentResult,
  type Principal,
} from '#yizhi/core';
import { Base } from '#yizhi/bases';
import { IsCreditCode, OrganizationKind, OrganizationsService } from '#yizhi/identity';
import { AnomaliesService } from '../anomalies/anomalies.service.js';
import { DealsRepository } from '../deals.repository.js';
import { checkAmounts, dealEvent, DealsService, registrationTaken } from '../deals.service.js';
import { CreateDealDto } from '../dto/deal.dto.js';
import { LedgerEvents } from '../ledger-events.js';
import { monthOf, PeriodException, PeriodsService } from '../periods/periods.service.js';
import { amountOf, categoryOf, dateOf, fieldOf, readDealSheet, SheetError, type SheetRow } from './deal-sheet.js';
import type { SpooledFile } from './multipart-form.js';

/** At most this many deals per file. */
export const IMPORT_MAX_ROWS = 200_000;
/** Rows checked and written together, each step one statement for the whole batch. */
const BATCH_ROWS = 1_000;
/** A report lists at most this many refused rows; `rejectedCount` says how many there were. */
export const REPORTED_ROWS_MAX = 1_000;

/** A row of a deals sheet: POST /deals's rules, with the parties by name and credit code instead of ids. */
class DealSheetRowDto extends OmitType(CreateDealDto, [
  'baseId',
  'sellerOrgId',
  'buyerOrgId',
  'leadId',
  'listingId',
  'needId',
  'brokerId',
] as const) {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  seller: string;

  @IsCreditCode()
  sellerCreditCode: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  buyer: string;

  @IsCreditCode()
  buyerCreditCode: string;
}

export interface ImportedRowError {
  row: number;
  errors: FieldError[];
}

export interface ImportReport {
  accepted: number;
  /** The refused rows, in the file's order; at most REPORTED_ROWS_MAX of them. */
  rejected: ImportedRowError[];
  /** How many rows were refused in all. */
  rejectedCount: number;
  /** The new deals, in the file's order. */
  dealIds: string[];
}

/** A row that passed the checks that need no database. */
interface CheckedRow {
  row: number;
  dto: DealSheetRowDto;
}

/** The credit code's first character is the registering authority: 1 (机构编制) and 5 (民政) register institutes, the rest enterprises. */
const kindOf = (creditCode: string) => (/^[15]/.test(creditCode) ? OrganizationKind.Institute : OrganizationKind.Enterprise);

/** What an import has done so far, across its batches. */
class ImportRun {
  readonly dealIds: string[] = [];
  readonly rejected: ImportedRowError[] = [];
  rejectedCount = 0;
  rows = 0;
  /** Registration numbers seen in the file so far, with their row. */
  readonly registrations = new Map<string, number>();
  /** The base months the new deals fall in, for the ledger event. */
  readonly months = new Set<string>();

  constructor(readonly partial: boolean) {}

  /** All or nothing, and a row was refused: the rest is still checked, and nothing more written. */
  get failed(): boolean {
    return !this.partial && this.rejectedCount > 0;
  }

  reject(row: number, errors: FieldError[]): void {
    this.rejectedCount++;
    if (this.rejected.length < REPORTED_ROWS_MAX) this.rejected.push({ row, errors });
  }

  report(): ImportReport {
    return {
      accepted: this.dealIds.length,
      rejected: [...this.rejected].sort((a, b) => a.row - b.row),
      rejectedCount: this.rejectedCount,
      dealIds: this.dealIds,
    };
  }
}

/**
 * POST /deals/import: the deals of a spreadsheet, each checked as POST /deals checks it. By default
 * all or nothing (422 naming each bad row and field); with mode=partial, the good rows are written
 * and the bad ones reported. Parties are found by credit code and added as pending when new.
 *
 * The file is read as a stream from where the upload was spooled, and written in batches of
 * BATCH_ROWS: for each, one query finds the registration numbers already taken, one the closed
 * months, one statement adds the new parties, one the deals, one runs the anomaly rules and one
 * appends the audit events. Memory holds a batch, not the file. The whole import is one
 * transaction; the audit chain's lock is taken at the first batch and held to the commit.
 */
@Injectable()
export class DealImportService {
  constructor(
    private readonly deals: DealsService,
    private readonly repository: DealsRepository,
    private readonly periods: PeriodsService,
    private readonly anomalies: AnomaliesService,
    private readonly organizations: OrganizationsService,
    private readonly idempotency: IdempotencyService,
    private readonly ledger: LedgerEvents,
  ) {}

  /** The request's fingerprint for an Idempotency-Key: the base, the mode and the file's bytes. */
  static fingerprintBody(baseId: string, partial: boolean, file: SpooledFile) {
    return { baseId, partial, file: file.sha256 };
  }

  async import(
    caller: Principal,
    input: { baseId: string; file: SpooledFile; partial: boolean },
    claim: IdempotencyClaim | null,
  ): Promise<IdempotentResult<ImportReport>> {
    if (caller.role === Role.Operator && caller.baseId !== input.baseId)
      throw new ForbiddenException('Operators import the deals of their own base only');
    return this.idempotency.transaction(claim, 201, async (manager) => {
      const base = await manager.findOneBy(Base, { id: input.baseId, active: true });
      if (!base)
        throw new DomainException('REFERENCE_INVALID', 422, 'baseId must be an active base', [
          { field: 'baseId', message: 'must be an active base' },
        ]);
      const run = new ImportRun(input.partial);
      let batch: CheckedRow[] = [];
      try {
        for await (const row of readDealSheet(input.file)) {
          if (++run.rows > IMPORT_MAX_ROWS)
            throw ValidationFailedException.field(
              'file',
              `has more than ${IMPORT_MAX_ROWS} deals; import at most ${IMPORT_MAX_ROWS} at a time`,
            );
          const checked = await checkRow(row, run);
          if (checked) batch.push(checked);
          if (batch.length === BATCH_ROWS) {
            await this.writeBatch(manager, caller, base, batch, run);
            batch = [];
          }
        }
        await this.writeBatch(manager, caller, base, batch, run);
      } catch (error) {
        if (error instanceof SheetError) throw ValidationFailedException.field('file', error.message);
        throw registrationTaken(error);
      }
      if (run.failed) throw importRejected(run.report());
      if (run.months.size) {
        await this.ledger.changed(manager, {
          entity: 'import',
          id: randomUUID(),
          action: 'create',
          cells: [...run.months].sort().map((month) => ({ baseId: base.id, month })),
          dealIds: [],
        });
      }
      return run.report();
    });
  }

  /**
   * One batch: the checks that need the database (registration numbers taken, closed months),
   * then, unless the import has already failed, the parties, the deals, the anomaly rules and the
   * audit events, a statement each.
   */
  private async writeBatch(manager: EntityManager, caller: Principal, base: Base, batch: readonly CheckedRow[], run: ImportRun) {
    if (!batch.length) return;
    const taken = await this.repository.takenRegistrations(
      manager,
      batch.flatMap(({ dto }) => (dto.registrationNo ? [dto.registrationNo] : [])),
    );
    const closed = await this.periods.closedAmong(
      manager,
      batch.map(({ dto }) => monthOf(dto.signedAt)),
    );
    const good: CheckedRow[] = [];
    for (const checked of batch) {
      const errors: FieldError[] = [];
      if (checked.dto.registrationNo && taken.has(checked.dto.registrationNo))
        errors.push({ field: 'registrationNo', message: 'is already registered to another deal' });
      const month = monthOf(checked.dto.signedAt);
      if (closed.has(month)) errors.push(...PeriodException.closed('signedAt', month).details);
      if (errors.length) run.reject(checked.row, errors);
      else good.push(checked);
    }
    if (run.failed || !good.length) return;

    // The session's cached plans go: a foreign-key check planned while `organization` or `deal`
    // was nearly empty (a new platform, or the first batch of this import) is a sequential scan,
    // and it would stay one while this transaction grows those tables by thousands of rows
    // (measured on a 30,000-row import into a new database: 3,977 rows/s with this, 1,419–1,460 without).
    await manager.query('DISCARD PLANS');
    const events: AuditEventInput[] = [];
    const parties = new Map<string, { name: string; creditCode: string; kind: OrganizationKind; region: string }>();
    for (const { dto } of good) {
      for (const [name, creditCode] of [
        [dto.seller, dto.sellerCreditCode],
        [dto.buyer, dto.buyerCreditCode],
      ] as const) {
        if (!parties.has(creditCode)) parties.set(creditCode, { name, creditCode, kind: kindOf(creditCode), region: base.city });
      }
    }
    const organizations = await this.organizations.ensureManyByCreditCode(manager, caller, [...parties.values()], events);
    const deals = await this.repository.insertMany(
      manager,
      good.map(({ dto }) => ({
        baseId: base.id,
        sellerOrganizationId: organizations.get(dto.sellerCreditCode)!.id,
        buyerOrganizationId: organizations.get(dto.buyerCreditCode)!.id,
        title: dto.title ?? null,
        category: dto.category,
        fieldCode: dto.field,
        brokerId: caller.role === Role.Operator ? caller.userId : null,
        contractAmount: dto.contractAmount,
        techTransactionAmount: dto.techTransactionAmount,
        signedAt: dto.signedAt,
        registrationNo: dto.registrationNo ?? null,
        createdById: caller.userId,
      })),
    );
    const flags = await this.anomalies.raise(
      manager,
      deals.map((deal) => deal.id),
    );
    events.push(...deals.map((deal) => dealEvent(caller, 'create', null, deal)), ...this.anomalies.flagEvents(flags, caller));
    await this.deals.recordAll(manager, events);
    for (const deal of deals) {
      run.dealIds.push(deal.id);
      run.months.add(monthOf(deal.signedAt));
    }
  }
}

/**
 * A row as people typed it, read into POST /deals's DTO and checked as far as it can be without
 * the database: the fields, the amounts' rules, two different parties, and a registration number
 * the file has not used already. Null when the row was refused (and recorded so).
 */
async function checkRow({ row, cells }: SheetRow, run: ImportRun): Promise<CheckedRow | null> {
  const dto = plainToInstance(DealSheetRowDto, {
    ...cells,
    title: cells.title || undefined,
    registrationNo: cells.registrationNo || undefined,
    category: cells.category && categoryOf(cells.category),
    field: cells.field && fieldOf(cells.field),
    signedAt: cells.signedAt && dateOf(cells.signedAt),
    contractAmount: cells.contractAmount && amountOf(cells.contractAmount),
    techTransactionAmount: cells.techTransactionAmount && amountOf(cells.techTransactionAmount),
  });
  const errors = flattenValidationErrors(await validate(dto, { whitelist: true, validationError: { target: false, value: true } }));
  if (!errors.length) {
    if (dto.sellerCreditCode === dto.buyerCreditCode)
      errors.push({ field: 'buyerCreditCode', message: 'must differ from sellerCreditCode' });
    try {
      checkAmounts(dto.contractAmount, dto.techTransactionAmount, Money.ZERO);
    } catch (error) {
      errors.push(...rowErrors(error));
    }
    const earlier = dto.registrationNo ? run.registrations.get(dto.registrationNo) : undefined;
    if (earlier !== undefined) errors.push({ field: 'registrationNo', message: `is also on row ${earlier} of the file` });
    else if (dto.registrationNo) run.registrations.set(dto.registrationNo, row);
  }
  if (errors.length) {
    run.reject(row, errors);
    return null;
  }
  return { row, dto };
}

/** A row's refusal as field errors; anything but a refusal (a bug, a lost connection) is rethrown. */
function rowErrors(error: unknown): FieldError[] {
  if (!(error instanceof DomainException) || error.status >= 500) throw error;
  return error.details.length
    ? error.details.map((d) => ({ field: d.field, message: d.message }))
    : [{ field: 'row', message: error.message }];
}

/** 422 naming each refused row's fields as rows[N].field (N: the spreadsheet row, the header being row 1), with the report {accepted: 0, rejected}. */
function importRejected(report: ImportReport): DomainException {
  const { rejected } = report;
  const details = rejected.flatMap(({ row, errors }) => errors.map((e) => ({ field: `rows[${row}].${e.field}`, message: e.message })));
  return new DomainException(
    'IMPORT_REJECTED',
    422,
    `${report.rejectedCount} row(s) of the file are refused, so nothing was imported; fix them, or send mode=partial to import the others`,
    details,
    {},
    { accepted: 0, rejected, rejectedCount: report.rejectedCount, dealIds: [] },
  );
}

import { createHash } from 'node:crypto';
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
  Role,
  ValidationFailedException,
  type FieldError,
  type IdempotencyClaim,
  type IdempotentResult,
  type Principal,
} from '#yizhi/core';
import { Base } from '#yizhi/bases';
import { IsCreditCode, OrganizationKind, OrganizationsService } from '#yizhi/identity';
import { DealsService, registrationTaken } from '../deals.service.js';
import { CreateDealDto } from '../dto/deal.dto.js';
import { amountOf, categoryOf, dateOf, fieldOf, readDealSheet, SheetError, type SheetRow } from './deal-sheet.js';

/** At most this many deals per file: each is a full POST /deals (checks, audit, anomaly rules). */
export const IMPORT_MAX_ROWS = 5_000;

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
  rejected: ImportedRowError[];
  /** The new deals, in the file's order. */
  dealIds: string[];
}

/** The credit code's first character is the registering authority: 1 (机构编制) and 5 (民政) register institutes, the rest enterprises. */
const kindOf = (creditCode: string) => (/^[15]/.test(creditCode) ? OrganizationKind.Institute : OrganizationKind.Enterprise);

/**
 * POST /deals/import: the deals of a spreadsheet, each checked as POST /deals checks it. By default
 * all or nothing (422 naming each bad row and field); with mode=partial, the good rows are written
 * and the bad ones reported. Parties are found by credit code and added as pending when new.
 */
@Injectable()
export class DealImportService {
  constructor(
    private readonly deals: DealsService,
    private readonly organizations: OrganizationsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** The request's fingerprint for an Idempotency-Key: the base, the mode and the file's bytes. */
  static fingerprintBody(baseId: string, partial: boolean, file: Buffer) {
    return { baseId, partial, file: createHash('sha256').update(file).digest('hex') };
  }

  async import(
    caller: Principal,
    input: { baseId: string; file: Buffer; partial: boolean },
    claim: IdempotencyClaim | null,
  ): Promise<IdempotentResult<ImportReport>> {
    if (caller.role === Role.Operator && caller.baseId !== input.baseId)
      throw new ForbiddenException('Operators import the deals of their own base only');
    let sheet: SheetRow[];
    try {
      sheet = await readDealSheet(input.file);
    } catch (error) {
      if (error instanceof SheetError) throw ValidationFailedException.field('file', error.message);
      throw error;
    }
    if (sheet.length > IMPORT_MAX_ROWS)
      throw ValidationFailedException.field('file', `has ${sheet.length} deals; import at most ${IMPORT_MAX_ROWS} at a time`);

    const rejected: ImportedRowError[] = [];
    const valid: { row: number; dto: DealSheetRowDto }[] = [];
    for (const { row, cells } of sheet) {
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
      if (errors.length) rejected.push({ row, errors });
      else valid.push({ row, dto });
    }
    if (rejected.length && !input.partial) throw importRejected(rejected);

    return this.idempotency.transaction(claim, 201, async (manager) => {
      const base = await manager.findOneBy(Base, { id: input.baseId, active: true });
      if (!base)
        throw new DomainException('REFERENCE_INVALID', 422, 'baseId must be an active base', [
          { field: 'baseId', message: 'must be an active base' },
        ]);
      const dealIds: string[] = [];
      // Every row's audit events wait for the end: the chain's lock is then held for that last step only, not the whole file.
      const events: AuditEventInput[] = [];
      for (const { row, dto } of valid) {
        await manager.query('SAVEPOINT import_row');
        try {
          const imported = await this.importRow(manager, caller, base, dto);
          await manager.query('RELEASE SAVEPOINT import_row');
          dealIds.push(imported.deal.id);
          events.push(...imported.events);
        } catch (error) {
          await manager.query('ROLLBACK TO SAVEPOINT import_row');
          rejected.push({ row, errors: rowErrors(registrationTaken(error)) });
        }
      }
      rejected.sort((a, b) => a.row - b.row);
      if (rejected.length && !input.partial) throw importRejected(rejected);
      await this.deals.recordAll(manager, events);
      return { accepted: dealIds.length, rejected, dealIds };
    });
  }

  /** One row's parties and deal; the audit events they owe, recorded at the end of the import. */
  private async importRow(
    manager: EntityManager,
    caller: Principal,
    base: Base,
    row: DealSheetRowDto,
  ): Promise<{ deal: { id: string }; events: AuditEventInput[] }> {
    const events: AuditEventInput[] = [];
    const party = (name: string, creditCode: string) =>
      this.organizations.ensureByCreditCode(manager, caller, { name, creditCode, kind: kindOf(creditCode), region: base.city }, events);
    const seller = await party(row.seller, row.sellerCreditCode);
    const buyer = await party(row.buyer, row.buyerCreditCode);
    const dto = Object.assign(new CreateDealDto(), {
      baseId: base.id,
      sellerOrgId: seller.id,
      buyerOrgId: buyer.id,
      title: row.title,
      category: row.category,
      field: row.field,
      contractAmount: row.contractAmount,
      techTransactionAmount: row.techTransactionAmount,
      signedAt: row.signedAt,
      registrationNo: row.registrationNo,
    });
    this.deals.checkNewDeal(caller, dto);
    const inserted = await this.deals.insertDeal(manager, caller, dto);
    return { deal: inserted.deal, events: [...events, ...inserted.events] };
  }
}

/** A row's refusal as field errors; anything but a refusal (a bug, a lost connection) is rethrown. */
function rowErrors(error: unknown): FieldError[] {
  if (!(error instanceof DomainException) || error.status >= 500) throw error;
  return error.details.length
    ? error.details.map((d) => ({ field: d.field, message: d.message }))
    : [{ field: 'row', message: error.message }];
}

/** 422 naming each refused row's fields as rows[N].field (N: the spreadsheet row, the header being row 1), with the report {accepted: 0, rejected}. */
function importRejected(rejected: ImportedRowError[]): DomainException {
  const details = rejected.flatMap(({ row, errors }) => errors.map((e) => ({ field: `rows[${row}].${e.field}`, message: e.message })));
  return new DomainException(
    'IMPORT_REJECTED',
    422,
    `${rejected.length} row(s) of the file are refused, so nothing was imported; fix them, or send mode=partial to import the others`,
    details,
    {},
    { accepted: 0, rejected, dealIds: [] },
  );
}

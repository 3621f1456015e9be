import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService, type AuditEventInput } from '#yizhi/audit';
import {
  callerScope,
  ErrorCode,
  DomainException,
  ForbiddenException,
  IdempotencyService,
  isUniqueViolation,
  Money,
  NotFoundException,
  platformDate,
  Role,
  ValidationFailedException,
  type IdempotencyClaim,
  type IdempotentResult,
  type LedgerChange,
  type Page,
  type Principal,
} from '#yizhi/core';
import { leadSnapshot, LeadStatus, type Lead } from '#yizhi/leads';
import { DealRelation, dealRelation } from './deal-access.js';
import { canMoveDeal, DEAL_STATUS_VERBS, DealStatus, DealVerification, VERIFIABLE_DEAL_STATUSES } from './deal-status.js';
import type { Deal, DealAdjustment, DealPayment } from './deal.entity.js';
import { DealException, IF_MATCH } from './deal.exception.js';
import { DealsRepository } from './deals.repository.js';
import type {
  CreateAdjustmentDto,
  CreateDealDto,
  CreatePaymentDto,
  DealListQueryDto,
  TransitionDealDto,
  UpdateDealDto,
  VerifyDealDto,
} from './dto/deal.dto.js';
import {
  AdjustmentView,
  DealDetailView,
  DealView,
  effectiveAmounts,
  PaymentView,
  type AdjustmentReceiptView,
  type PaymentReceiptView,
} from './dto/deal.view.js';
import { PeriodsService } from './periods/periods.service.js';
import { AnomaliesService } from './anomalies/anomalies.service.js';
import { cellsOf, LedgerEvents } from './ledger-events.js';

/** The states in which a deal's terms may still be edited (completed and cancelled deals are final). */
const EDITABLE: readonly DealStatus[] = [DealStatus.Draft, DealStatus.Signed, DealStatus.Registered];
/** A payment is recorded once the contract is signed, and not on a cancelled deal. */
const PAYABLE: readonly DealStatus[] = [DealStatus.Signed, DealStatus.Registered, DealStatus.Completed];

const IF_MATCH_VALUE = /^(?:W\/)?"?(\d{1,9})"?$/;

/** The version an If-Match header names: 428 without one, 400 when it is not a version. */
export function ifMatchVersion(header: string | undefined): number {
  if (header === undefined || header.trim() === '') throw DealException.versionRequired();
  const match = IF_MATCH_VALUE.exec(header.trim());
  if (!match) throw ValidationFailedException.field(IF_MATCH, 'must be the deal\'s version, such as "3"');
  return Number(match[1]);
}

/** A deal with what hangs off it. */
export interface DealRecord {
  deal: Deal;
  payments: DealPayment[];
  adjustments: DealAdjustment[];
}

/** A deal's links as they will stand: what the checks of create and update look at. */
interface DealLinks {
  baseId: string;
  sellerOrgId: string;
  buyerOrgId: string;
  listingId: string | null;
  needId: string | null;
  brokerId: string | null;
}

/**
 * The deals ledger: deals recorded by a base's operators (or admins), moved along their status,
 * verified by admins, and paid. Every change writes an audit event in its transaction; POST
 * routes are idempotent under an Idempotency-Key, and PATCH checks the version the caller read.
 */
@Injectable()
export class DealsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deals: DealsRepository,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly periods: PeriodsService,
    private readonly anomalies: AnomaliesService,
    private readonly ledger: LedgerEvents,
  ) {}

  async create(caller: Principal, dto: CreateDealDto, claim: IdempotencyClaim | null): Promise<IdempotentResult<DealView>> {
    this.checkNewDeal(caller, dto);
    try {
      return await this.idempotency.transaction(claim, 201, async (manager) => {
        const { deal, events } = await this.insertDeal(manager, caller, dto);
        await this.ledger.changed(manager, dealChange('create', null, deal));
        await this.recordAll(manager, events);
        return DealView.of(deal);
      });
    } catch (error) {
      throw registrationTaken(error);
    }
  }

  /**
   * Records audit events in order. Each takes the chain's lock, held to the commit, so a writer
   * records its events last; the import records all of its rows' events at its end.
   */
  async recordAll(manager: EntityManager, events: readonly AuditEventInput[]): Promise<void> {
    await this.audit.recordMany(manager, events);
  }

  /** The checks of a new deal that need no database (403 for another base, 400, 422 for amounts). */
  checkNewDeal(caller: Principal, dto: CreateDealDto): void {
    if (caller.role === Role.Operator && caller.baseId !== dto.baseId) {
      throw new ForbiddenException('Operators record deals at their own base only');
    }
    if (dto.sellerOrgId === dto.buyerOrgId) throw ValidationFailedException.field('buyerOrgId', 'must differ from sellerOrgId');
    checkAmounts(dto.contractAmount, dto.techTransactionAmount, Money.ZERO);
  }

  /**
   * Writes a new deal (checked by checkNewDeal) in the caller's transaction: the references, the
   * period, the lead it converts and the anomaly rules. It returns the audit events the change owes,
   * which the caller records (recordAll) before it commits. POST /deals and the import both come
   * here. A taken registration number surfaces as pg's unique violation.
   */
  async insertDeal(manager: EntityManager, caller: Principal, dto: CreateDealDto): Promise<{ deal: Deal; events: AuditEventInput[] }> {
    if (!(await this.deals.activeBaseExists(manager, dto.baseId))) throw DealException.reference('baseId', 'must be an active base');
    await this.periods.assertOpen(manager, dto.signedAt, 'signedAt');
    const lead = dto.leadId ? await this.leadToConvert(manager, dto.leadId, dto) : null;
    const links: DealLinks = {
      baseId: dto.baseId,
      sellerOrgId: dto.sellerOrgId,
      buyerOrgId: dto.buyerOrgId,
      // A deal from a lead is about the lead's listing and need unless it says otherwise.
      listingId: dto.listingId ?? lead?.listingId ?? null,
      needId: dto.needId ?? lead?.needId ?? null,
      brokerId: dto.brokerId ?? (caller.role === Role.Operator ? caller.userId : null),
    };
    await this.checkLinks(manager, links, null);
    const deal = await this.deals.insert(manager, {
      baseId: links.baseId,
      sellerOrganizationId: links.sellerOrgId,
      buyerOrganizationId: links.buyerOrgId,
      title: dto.title ?? null,
      listingId: links.listingId,
      needId: links.needId,
      leadId: lead?.id ?? null,
      category: dto.category,
      fieldCode: dto.field,
      brokerId: links.brokerId,
      contractAmount: dto.contractAmount,
      techTransactionAmount: dto.techTransactionAmount,
      serviceFee: dto.serviceFee ?? null,
      receivedAmount: Money.ZERO,
      signedAt: dto.signedAt,
      registrationNo: dto.registrationNo ?? null,
      status: DealStatus.Draft,
      verification: DealVerification.Unverified,
      verificationReason: null,
      verifiedAt: null,
      version: 1,
      createdById: caller.userId,
    });
    const converted = lead ? await this.convertLead(manager, lead, deal.id) : null;
    const flags = await this.anomalies.raise(manager, [deal.id]);
    const events: AuditEventInput[] = [dealEvent(caller, 'create', null, deal)];
    if (converted) events.push({ actor: caller, action: 'lead.convert', entity: 'lead', entityId: converted.after.id, ...converted });
    events.push(...this.anomalies.flagEvents(flags, caller));
    return { deal, events };
  }

  /** A deal the caller may see (404 otherwise, never 403), with its payments and adjustments. */
  async get(caller: Principal, id: string): Promise<DealRecord> {
    const deal = await this.deals.findById(id);
    if (!deal || dealRelation(deal, caller) === DealRelation.None) throw new NotFoundException('deal', id);
    const [payments, adjustments] = await Promise.all([this.deals.paymentsOf(deal.id), this.deals.adjustmentsOf(deal.id)]);
    return { deal, payments, adjustments };
  }

  list(caller: Principal, query: DealListQueryDto): Promise<Page<Deal>> {
    const scope = callerScope(caller);
    if (query.baseId !== undefined && scope.kind !== 'all' && !(scope.kind === 'base' && scope.baseId === query.baseId)) {
      throw new ForbiddenException('Only admins filter by baseId, and operators by their own base');
    }
    return this.deals.page({ scope, ...query });
  }

  /**
   * Changes a deal's terms if it is still at the version the caller read (`If-Match`), in one
   * `UPDATE … WHERE version = $2`. A verified or rejected deal goes back to unverified: an admin
   * checks the new terms again.
   */
  async update(caller: Principal, id: string, dto: UpdateDealDto, ifMatch: string | undefined): Promise<Deal> {
    const expected = ifMatchVersion(ifMatch);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const deal = await this.staffDeal(manager, caller, id, false);
        if (deal.version !== expected) throw DealException.versionConflict(deal.version);
        if (!EDITABLE.includes(deal.status)) throw DealException.notAllowedIn(deal.status, 'edit', EDITABLE);
        await this.periods.assertOpen(manager, deal.signedAt, 'signedAt');
        if (dto.signedAt !== undefined && dto.signedAt !== deal.signedAt) await this.periods.assertOpen(manager, dto.signedAt, 'signedAt');

        const links: DealLinks = {
          baseId: deal.baseId,
          sellerOrgId: dto.sellerOrgId ?? deal.sellerOrganizationId,
          buyerOrgId: dto.buyerOrgId ?? deal.buyerOrganizationId,
          listingId: dto.listingId === undefined ? deal.listingId : dto.listingId,
          needId: dto.needId === undefined ? deal.needId : dto.needId,
          brokerId: dto.brokerId === undefined ? deal.brokerId : dto.brokerId,
        };
        if (links.sellerOrgId === links.buyerOrgId) {
          throw ValidationFailedException.field(dto.buyerOrgId ? 'buyerOrgId' : 'sellerOrgId', 'must differ from the other party');
        }
        const amounts = {
          contractAmount: dto.contractAmount ?? deal.contractAmount,
          techTransactionAmount: dto.techTransactionAmount ?? deal.techTransactionAmount,
          receivedAmount: deal.receivedAmount,
        };
        // The rules hold for the amounts as adjusted, which is what the ledger counts.
        const adjustments = await this.deals.adjustmentsOf(deal.id, manager);
        const adjusted = adjustedOrRefused(amounts, adjustments, dto.contractAmount ? 'contractAmount' : 'techTransactionAmount');
        checkAmounts(adjusted.contractAmount, adjusted.techTransactionAmount, adjusted.receivedAmount, dto);
        await this.checkLinks(manager, links, deal);
        if (dto.registrationNo === null && (deal.status === DealStatus.Registered || deal.status === DealStatus.Completed)) {
          throw DealException.reference('registrationNo', `cannot be removed from a ${deal.status} deal`);
        }

        const next: Partial<Deal> = {
          sellerOrganizationId: links.sellerOrgId,
          buyerOrganizationId: links.buyerOrgId,
          listingId: links.listingId,
          needId: links.needId,
          brokerId: links.brokerId,
          ...(dto.title !== undefined && { title: dto.title }),
          ...(dto.category !== undefined && { category: dto.category }),
          ...(dto.field !== undefined && { fieldCode: dto.field }),
          ...(dto.contractAmount !== undefined && { contractAmount: dto.contractAmount }),
          ...(dto.techTransactionAmount !== undefined && { techTransactionAmount: dto.techTransactionAmount }),
          ...(dto.serviceFee !== undefined && { serviceFee: dto.serviceFee }),
          ...(dto.signedAt !== undefined && { signedAt: dto.signedAt }),
          ...(dto.registrationNo !== undefined && { registrationNo: dto.registrationNo }),
        };
        const changes = changedColumns(deal, next);
        if (!Object.keys(changes).length) return deal;
        if (deal.verification !== DealVerification.Unverified) {
          Object.assign(changes, { verification: DealVerification.Unverified, verificationReason: null, verifiedAt: null });
        }
        const updated = await this.deals.updateAtVersion(manager, id, expected, changes);
        if (!updated) throw DealException.versionConflict((await this.deals.currentVersion(manager, id)) ?? expected);
        const flags = await this.anomalies.raise(manager, [deal.id]);
        await this.ledger.changed(manager, dealChange('update', deal, updated));
        await this.recordAll(manager, [dealEvent(caller, 'update', deal, updated), ...this.anomalies.flagEvents(flags, caller)]);
        return updated;
      });
    } catch (error) {
      throw registrationTaken(error);
    }
  }

  async transition(caller: Principal, id: string, dto: TransitionDealDto): Promise<Deal> {
    return this.dataSource.transaction(async (manager) => {
      const deal = await this.staffDeal(manager, caller, id, true);
      if (!canMoveDeal(deal.status, dto.to)) throw DealException.illegalTransition(deal.status, dto.to);
      await this.periods.assertOpen(manager, deal.signedAt, 'signedAt');
      if (dto.to === DealStatus.Registered && deal.registrationNo === null) {
        throw DealException.reference('registrationNo', 'must be set (PATCH) before the deal is registered');
      }
      const updated = await this.write(manager, deal, { status: dto.to });
      const flags = await this.anomalies.raise(manager, [deal.id]);
      await this.ledger.changed(manager, dealChange(DEAL_STATUS_VERBS[dto.to], deal, updated));
      await this.recordAll(manager, [
        dealEvent(caller, DEAL_STATUS_VERBS[dto.to], deal, updated),
        ...this.anomalies.flagEvents(flags, caller),
      ]);
      return updated;
    });
  }

  /** An admin's decision on a signed (registered, completed) deal; it can be reversed with a new reason. */
  async verify(caller: Principal, id: string, dto: VerifyDealDto): Promise<Deal> {
    return this.dataSource.transaction(async (manager) => {
      const deal = await this.staffDeal(manager, caller, id, true);
      if (!VERIFIABLE_DEAL_STATUSES.includes(deal.status))
        throw DealException.notAllowedIn(deal.status, 'verify', VERIFIABLE_DEAL_STATUSES);
      if (deal.verification === dto.decision) throw DealException.alreadyDecided(deal.verification);
      await this.periods.assertOpen(manager, deal.signedAt, 'signedAt');
      const updated = await this.write(manager, deal, {
        verification: dto.decision,
        verificationReason: dto.reason,
        verifiedAt: new Date(),
      });
      const verb = dto.decision === DealVerification.Verified ? 'verify' : 'reject';
      await this.ledger.changed(manager, dealChange(verb, deal, updated));
      await this.record(manager, caller, verb, deal, updated);
      return updated;
    });
  }

  /** Records an amount received; the received total stays within the contract amount. */
  async addPayment(
    caller: Principal,
    id: string,
    dto: CreatePaymentDto,
    claim: IdempotencyClaim | null,
  ): Promise<IdempotentResult<PaymentReceiptView>> {
    if (dto.amount.fen === 0n) throw ValidationFailedException.field('amount', 'must be more than zero');
    if (dto.receivedAt > platformDate()) throw ValidationFailedException.field('receivedAt', 'cannot be in the future');
    return this.idempotency.transaction(claim, 201, async (manager) => {
      const deal = await this.staffDeal(manager, caller, id, true);
      if (!PAYABLE.includes(deal.status)) throw DealException.notAllowedIn(deal.status, 'record a payment on', PAYABLE);
      await this.periods.assertOpen(manager, dto.receivedAt, 'receivedAt');
      // Compared in fen before Money is built: the sum of two storable amounts may not be storable.
      if (deal.receivedAmount.fen + dto.amount.fen > deal.contractAmount.fen) {
        throw DealException.amount(
          'amount',
          `would bring the amount received above the contract amount ${deal.contractAmount.toString()} (received so far: ${deal.receivedAmount.toString()})`,
        );
      }
      const received = deal.receivedAmount.plus(dto.amount);
      const payment = await this.deals.insertPayment(manager, {
        dealId: deal.id,
        amount: dto.amount,
        receivedAt: dto.receivedAt,
        createdById: caller.userId,
      });
      const updated = await this.write(manager, deal, { receivedAmount: received });
      await this.ledger.changed(manager, entryChange('payment', payment.id, deal, payment.receivedAt));
      const view = PaymentView.of(payment);
      await this.audit.record(manager, {
        actor: caller,
        action: 'payment.create',
        entity: 'payment',
        entityId: payment.id,
        before: null,
        after: view,
      });
      await this.record(manager, caller, 'receive', deal, updated);
      return { payment: view, deal: DealView.of(updated) };
    });
  }

  /**
   * Corrects one amount with a signed delta dated today (an open month): the recorded amounts stay
   * as reported, and the effective ones (recorded + adjustments) keep the ledger's rules.
   */
  async addAdjustment(caller: Principal, id: string, dto: CreateAdjustmentDto): Promise<AdjustmentReceiptView> {
    const decrease = dto.delta.trim().startsWith('-');
    const amount = Money.tryParse(dto.delta.trim().replace(/^[+-]\s*/, ''));
    if (!amount)
      throw ValidationFailedException.field('delta', 'must be a signed amount with at most two decimals, such as "-12000.00" or "+500"');
    if (amount.fen === 0n) throw ValidationFailedException.field('delta', 'must not be zero');
    const today = platformDate();
    return this.dataSource.transaction(async (manager) => {
      const deal = await this.staffDeal(manager, caller, id, true);
      if (deal.status === DealStatus.Cancelled)
        throw DealException.notAllowedIn(deal.status, 'adjust', EDITABLE.concat(DealStatus.Completed));
      await this.periods.assertOpen(manager, today, 'effectiveOn');
      const earlier = await this.deals.adjustmentsOf(deal.id, manager);
      const adjustment = { field: dto.field, decrease, amount };
      const effective = adjustedOrRefused(deal, [...earlier, adjustment], 'delta');
      checkAmounts(effective.contractAmount, effective.techTransactionAmount, effective.receivedAmount, undefined, 'delta');
      const stored = await this.deals.insertAdjustment(manager, {
        dealId: deal.id,
        ...adjustment,
        reason: dto.reason,
        effectiveOn: today,
        createdById: caller.userId,
      });
      const updated = await this.write(manager, deal, {});
      const adjustments = [...earlier, stored];
      await this.ledger.changed(manager, entryChange('adjustment', stored.id, deal, stored.effectiveOn));
      const view = AdjustmentView.of(stored);
      await this.audit.record(manager, {
        actor: caller,
        action: 'deal.adjust',
        entity: 'deal',
        entityId: deal.id,
        before: DealDetailView.detail(deal, [], earlier),
        after: { ...DealDetailView.detail(updated, [], adjustments), adjustment: view },
      });
      return { adjustment: view, deal: DealDetailView.detail(updated, await this.deals.paymentsOf(deal.id, manager), adjustments) };
    });
  }

  // ---------------------------------------------------------------- helpers

  /** The deal, for its base's operators and admins: 404 to anyone who may not see it, 403 to a party. */
  private async staffDeal(manager: EntityManager, caller: Principal, id: string, lock: boolean): Promise<Deal> {
    const deal = lock ? await this.deals.lockById(manager, id) : await this.deals.findById(id, manager);
    const relation = deal ? dealRelation(deal, caller) : DealRelation.None;
    if (!deal || relation === DealRelation.None) throw new NotFoundException('deal', id);
    if (relation !== DealRelation.Staff) throw new ForbiddenException("Only the base's operators and admins change a deal");
    return deal;
  }

  /** A locked deal's change, one version on (the lock guarantees the version is still the one read). */
  private async write(manager: EntityManager, deal: Deal, changes: Partial<Deal>): Promise<Deal> {
    const updated = await this.deals.updateAtVersion(manager, deal.id, deal.version, changes);
    if (!updated) throw new Error(`deal ${deal.id} changed under its row lock`);
    return updated;
  }

  /** The parties exist; a listing is the seller's, a need the buyer's; a broker is an operator of the base. */
  private async checkLinks(manager: EntityManager, links: DealLinks, current: Deal | null): Promise<void> {
    const changed = <K extends keyof DealLinks>(key: K, column: keyof Deal) => current === null || current[column] !== links[key];
    const parties = (
      [
        ['sellerOrgId', 'sellerOrganizationId'],
        ['buyerOrgId', 'buyerOrganizationId'],
      ] as const
    ).filter(([key, column]) => changed(key, column));
    if (parties.length) {
      const existing = await this.deals.existingOrganizations(
        manager,
        parties.map(([key]) => links[key]),
      );
      for (const [key] of parties) {
        if (!existing.has(links[key])) throw DealException.reference(key, 'must be an organization on the platform');
      }
    }
    if (links.listingId !== null) {
      const listing = await this.deals.listingOf(manager, links.listingId);
      if (!listing) throw DealException.reference('listingId', 'must be a listing on the platform');
      if (listing.ownerOrganizationId !== links.sellerOrgId)
        throw DealException.reference('listingId', "must be a listing of the seller's");
    }
    if (links.needId !== null) {
      const need = await this.deals.needOf(manager, links.needId);
      if (!need) throw DealException.reference('needId', 'must be a need on the platform');
      if (need.ownerOrganizationId !== links.buyerOrgId) throw DealException.reference('needId', "must be a need of the buyer's");
    }
    if (
      links.brokerId !== null &&
      changed('brokerId', 'brokerId') &&
      !(await this.deals.isOperatorOf(manager, links.brokerId, links.baseId))
    ) {
      throw DealException.reference('brokerId', 'must be an operator of the base');
    }
  }

  /** The lead a new deal converts: the base's, between the same parties, negotiating (or converted without a deal). */
  private async leadToConvert(manager: EntityManager, leadId: string, dto: CreateDealDto): Promise<Lead> {
    const lead = await this.deals.lockLead(manager, leadId);
    if (!lead || lead.baseId !== dto.baseId) throw DealException.reference('leadId', 'must be a lead of the base');
    if (lead.enterpriseOrganizationId !== dto.buyerOrgId || lead.ownerOrganizationId !== dto.sellerOrgId) {
      throw DealException.reference('leadId', 'is between other parties: its enterprise is the buyer and its listing owner the seller');
    }
    if (lead.dealId !== null) throw DealException.reference('leadId', `already became deal ${lead.dealId}`);
    if (lead.status !== LeadStatus.Negotiating && lead.status !== LeadStatus.Converted) {
      throw DealException.reference('leadId', `is ${lead.status}; a deal comes from a negotiating lead`);
    }
    return lead;
  }

  /** Links the lead to its deal and converts it; the snapshots for its audit event, which the caller records. */
  private async convertLead(manager: EntityManager, lead: Lead, dealId: string) {
    const before = leadSnapshot(lead);
    lead.dealId = dealId;
    lead.status = LeadStatus.Converted;
    lead.lastActivityAt = new Date();
    const saved = await this.deals.saveLead(manager, lead);
    return { before, after: leadSnapshot(saved) };
  }

  private record(manager: EntityManager, caller: Principal, verb: string, before: Deal | null, after: Deal): Promise<unknown> {
    return this.audit.record(manager, dealEvent(caller, verb, before, after));
  }
}

/** The ledger event of a change to a deal: the months it was and is signed in, and the listings it was and is about. */
function dealChange(action: string, before: Deal | null, after: Deal): LedgerChange {
  return {
    entity: 'deal',
    id: after.id,
    action,
    cells: cellsOf(after.baseId, before ? [before.signedAt, after.signedAt] : [after.signedAt]),
    dealIds: [after.id],
    listingIds: [...new Set([before?.listingId, after.listingId].filter((id): id is string => !!id))],
  };
}

/** The ledger event of a payment or an adjustment: the deal's signing month and the entry's own. */
function entryChange(entity: 'payment' | 'adjustment', id: string, deal: Deal, date: string): LedgerChange {
  return { entity, id, action: 'create', cells: cellsOf(deal.baseId, [deal.signedAt, date]), dealIds: [deal.id] };
}

/** The audit event of a change to a deal: `deal.<verb>` with the deal's views before and after. */
export function dealEvent(caller: Principal, verb: string, before: Deal | null, after: Deal): AuditEventInput {
  return {
    actor: caller,
    action: `deal.${verb}`,
    entity: 'deal',
    entityId: after.id,
    before: before && DealView.of(before),
    after: DealView.of(after),
  };
}

/** 技术交易额 ≤ 合同成交额, and what was received stays within the contract amount. */
export function checkAmounts(contract: Money, techTransaction: Money, received: Money, sent?: UpdateDealDto, field?: string): void {
  if (techTransaction.compare(contract) > 0) {
    const named = field ?? (sent && sent.techTransactionAmount === undefined ? 'contractAmount' : 'techTransactionAmount');
    throw DealException.amount(named, 'techTransactionAmount (技术交易额) cannot exceed contractAmount (合同成交额)');
  }
  if (received.compare(contract) > 0) {
    throw DealException.amount(
      field ?? 'contractAmount',
      `would leave the amount received, ${received.toString()}, above the contract amount ${contract.toString()}`,
    );
  }
}

/** effectiveAmounts, or a 422 naming `field` when an amount would go below zero. */
function adjustedOrRefused(
  amounts: Parameters<typeof effectiveAmounts>[0],
  adjustments: Parameters<typeof effectiveAmounts>[1],
  field: string,
): ReturnType<typeof effectiveAmounts> {
  try {
    return effectiveAmounts(amounts, adjustments);
  } catch (error) {
    if (error instanceof RangeError) throw DealException.amount(field, 'would take an amount below zero once the adjustments are applied');
    throw error;
  }
}

/** The columns of `next` whose values differ from the deal's (amounts compared by value). */
function changedColumns(deal: Deal, next: Partial<Deal>): Partial<Deal> {
  const changes: Partial<Deal> = {};
  for (const [key, value] of Object.entries(next) as [keyof Deal, unknown][]) {
    const current = deal[key];
    const same = current instanceof Money && value instanceof Money ? current.compare(value) === 0 : current === value;
    if (!same) Object.assign(changes, { [key]: value });
  }
  return changes;
}

/** A registration number another deal has is a 409 naming registrationNo. */
export function registrationTaken(error: unknown): unknown {
  if (!isUniqueViolation(error, 'deal_registration_no_key')) return error;
  return new DomainException(ErrorCode.AlreadyExists, 409, 'Another deal has this registration number', [
    { field: 'registrationNo', message: 'is already registered to another deal' },
  ]);
}

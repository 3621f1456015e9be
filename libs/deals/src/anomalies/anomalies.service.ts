import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService, type AuditEventInput } from '#yizhi/audit';
import { DomainException, newestFirstPage, NotFoundException, type Page, type Principal } from '#yizhi/core';
import { Anomaly, AnomalyStatus } from './anomaly.entity.js';
import { RULE_QUERIES, RULE_SCOPE, ruleParams, ruleStatement } from './anomaly-rules.js';
import { AnomalyView, type AnomalyListQueryDto } from './anomaly.dto.js';

/**
 * Anomaly rules over the ledger: run on every deal write (in its transaction, for that deal) and
 * nightly over every deal; an admin lists the flags and resolves them with a note.
 */
@Injectable()
export class AnomaliesService {
  private readonly logger = new Logger(AnomaliesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Runs every rule on these deals in the caller's transaction and returns the new flags, not yet
   * audited: the caller records them (recordFlags) after its other work, so that the audit chain's
   * lock, held to the commit, is held briefly.
   */
  raise(manager: EntityManager, dealIds: readonly string[]): Promise<Anomaly[]> {
    return this.run(manager, RULE_SCOPE.given, dealIds);
  }

  /** The audit events of new flags (anomaly.flag), for the caller to record. */
  flagEvents(anomalies: readonly Anomaly[], actor: Principal | null): AuditEventInput[] {
    return anomalies.map((anomaly) => ({
      actor,
      action: 'anomaly.flag',
      entity: 'anomaly' as const,
      entityId: anomaly.id,
      before: null,
      after: AnomalyView.of(anomaly),
    }));
  }

  /** Records new flags' audit events. */
  async recordFlags(manager: EntityManager, anomalies: readonly Anomaly[], actor: Principal | null): Promise<void> {
    await this.audit.recordMany(manager, this.flagEvents(anomalies, actor));
  }

  /** The nightly scan: every rule over every deal, one transaction per rule. The number of new flags. */
  async scanAll(): Promise<number> {
    let raised = 0;
    for (const query of RULE_QUERIES) {
      raised += await this.dataSource.transaction(async (manager) => {
        const found = await this.run(manager, RULE_SCOPE.all, null, [query]);
        await this.recordFlags(manager, found, null);
        return found.length;
      });
    }
    if (raised) this.logger.log(`the anomaly scan raised ${raised} new flags`);
    return raised;
  }

  async list(query: AnomalyListQueryDto): Promise<Page<AnomalyView>> {
    const q = this.dataSource.getRepository(Anomaly).createQueryBuilder('a').innerJoin('a.deal', 'd').addSelect(['d.baseId']);
    q.andWhere('a.status = :status', { status: query.status ?? AnomalyStatus.Open });
    if (query.rule) q.andWhere('a.rule = :rule', { rule: query.rule });
    if (query.dealId) q.andWhere('a.dealId = :dealId', { dealId: query.dealId });
    if (query.baseId) q.andWhere('d.baseId = :baseId', { baseId: query.baseId });
    return newestFirstPage(q, 'a', query, (a) => AnomalyView.of(a));
  }

  async resolve(caller: Principal, id: string, note: string): Promise<AnomalyView> {
    return this.dataSource.transaction(async (manager) => {
      const anomaly = await manager.findOne(Anomaly, {
        where: { id },
        relations: { deal: true },
        lock: { mode: 'pessimistic_write', tables: ['anomaly'] },
      });
      if (!anomaly) throw new NotFoundException('anomaly', id);
      if (anomaly.status !== AnomalyStatus.Open) {
        throw new DomainException('ILLEGAL_TRANSITION', 422, `The anomaly is ${anomaly.status}`, [
          { field: 'note', message: `the anomaly is ${anomaly.status}` },
        ]);
      }
      const before = AnomalyView.of(anomaly);
      Object.assign(anomaly, { status: AnomalyStatus.Resolved, resolutionNote: note, resolvedById: caller.userId, resolvedAt: new Date() });
      await manager.save(Anomaly, anomaly);
      const after = AnomalyView.of(anomaly);
      await this.audit.record(manager, { actor: caller, action: 'anomaly.resolve', entity: 'anomaly', entityId: id, before, after });
      return after;
    });
  }

  /** The rules in one statement; the new flags with their deals (for the view's baseId). */
  private async run(manager: EntityManager, scope: string, dealIds: readonly string[] | null, queries = RULE_QUERIES): Promise<Anomaly[]> {
    const rows = (await manager.query(ruleStatement(queries, scope), ruleParams(dealIds))) as { id: string }[];
    if (!rows.length) return [];
    return manager.find(Anomaly, { where: rows.map((r) => ({ id: r.id })), relations: { deal: true } });
  }
}

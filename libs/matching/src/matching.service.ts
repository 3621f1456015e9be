import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '#yizhi/audit';
import { CatalogStatus, Listing, ListingView, Need, NeedView } from '#yizhi/catalog';
import { JobName, NotFoundException, OutboxService, platformDate, Role, type Principal } from '#yizhi/core';
import type { DataSource } from 'typeorm';
import type { DismissMatchDto, ListingMatchesView, MatchFeedbackView, NeedMatchesView } from './dto/matching.dto.js';
import { MatchingEngine, listingVector, needVector } from './matching.engine.js';
import { MATCH_LIMITS } from './scoring/match-weights.js';
import { DismissalReason } from './storage/match-dismissal.entity.js';
import type { MatchKind } from './storage/match-profile.entity.js';
import { MatchingRepository, type StoredMatch } from './storage/matching.repository.js';

type Item = Listing | Need;

/** The version matches are computed from: the item's last change. */
const versionOf = (item: Item) => item.updatedAt.toISOString();

/**
 * Matches between needs and listings: the worker's refresh (profile, top matches, and a place in
 * the counterparts' lists), the routes that serve them (on demand when missing or stale), and the
 * enterprises' dismissals.
 */
@Injectable()
export class MatchingService {
  private readonly logger = new Logger(MatchingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: MatchingRepository,
    private readonly engine: MatchingEngine,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The matching job: brings an item's matching state in line with the item. A published (and
   * valid) item gets its profile and its top matches; any other loses them.
   *
   * One refresh at a time, across workers (an advisory lock): a listing's and a need's refreshes
   * running together would each miss the other's uncommitted profile, and each replace the list
   * the other just offered the pair to, losing the match on both sides. Refreshes are quick and
   * follow human edits, so running them in turn costs little.
   */
  async refresh(kind: MatchKind, id: string): Promise<{ matches: number } | { dropped: true }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', ['match:refresh']);
      const item = await this.load(kind, id);
      const today = platformDate();
      if (!item || !isMatchable(item, today)) {
        await this.repository.saveProfile(manager, kind, id, null);
        await this.repository.dropMatches(manager, kind, id);
        return { dropped: true as const };
      }
      await this.repository.saveProfile(manager, kind, id, kind === 'need' ? needVector(item as Need) : listingVector(item as Listing));
      const matches = await this.compute(item, MATCH_LIMITS.stored, today);
      await this.repository.storeMatches(manager, kind, id, versionOf(item), matches);
      await this.repository.offerToCounterparts(manager, kind, id, matches, MATCH_LIMITS.stored);
      return { matches: matches.length };
    });
  }

  /** GET /needs/:id/matches. */
  async needMatches(caller: Principal, id: string, limit: number): Promise<NeedMatchesView> {
    const matches = await this.matches(caller, 'need', id, limit);
    const listings = await this.dataSource.getRepository(Listing).findBy(matches.map((m) => ({ id: m.otherId })));
    const byId = new Map(listings.map((l) => [l.id, l]));
    const today = platformDate();
    return {
      items: matches.flatMap((m) => {
        const listing = byId.get(m.otherId);
        return listing ? [{ listing: ListingView.of(listing, today), score: m.score, reasons: m.reasons }] : [];
      }),
    };
  }

  /** GET /listings/:id/matches. */
  async listingMatches(caller: Principal, id: string, limit: number): Promise<ListingMatchesView> {
    const matches = await this.matches(caller, 'listing', id, limit);
    const needs = await this.dataSource.getRepository(Need).findBy(matches.map((m) => ({ id: m.otherId })));
    const byId = new Map(needs.map((n) => [n.id, n]));
    return {
      items: matches.flatMap((m) => {
        const need = byId.get(m.otherId);
        return need ? [{ need: NeedView.of(need), score: m.score, reasons: m.reasons }] : [];
      }),
    };
  }

  /** An enterprise hides a listing from its need's matches, saying why. */
  async dismiss(caller: Principal, needId: string, listingId: string, dto: DismissMatchDto): Promise<void> {
    const need = await this.dataSource.getRepository(Need).findOneBy({ id: needId });
    if (!need || need.ownerOrganizationId !== caller.organizationId) throw new NotFoundException('need', needId);
    const listing = await this.dataSource.getRepository(Listing).findOneBy({ id: listingId });
    if (!listing || listing.status !== CatalogStatus.Published) throw new NotFoundException('listing', listingId);
    await this.dataSource.transaction(async (manager) => {
      const [before] = (await manager.query('SELECT reason, note FROM match_dismissal WHERE need_id = $1 AND listing_id = $2 FOR UPDATE', [
        needId,
        listingId,
      ])) as { reason: DismissalReason; note: string | null }[];
      await manager.query(
        `INSERT INTO match_dismissal (need_id, listing_id, reason, note, user_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (need_id, listing_id) DO UPDATE SET reason = EXCLUDED.reason, note = EXCLUDED.note, user_id = EXCLUDED.user_id`,
        [needId, listingId, dto.reason, dto.note ?? null, caller.userId],
      );
      await this.audit.record(manager, {
        actor: caller,
        action: 'need.dismiss_match',
        entity: 'need',
        entityId: needId,
        before: before ? { listingId, ...before } : null,
        after: { listingId, reason: dto.reason, note: dto.note ?? null },
      });
    });
  }

  /** GET /matching/feedback: dismissals by reason. */
  async feedback(): Promise<MatchFeedbackView> {
    const rows = (await this.dataSource.query('SELECT reason, count(*)::int AS n FROM match_dismissal GROUP BY reason')) as {
      reason: DismissalReason;
      n: number;
    }[];
    const byReason = Object.fromEntries(Object.values(DismissalReason).map((r) => [r, 0])) as Record<DismissalReason, number>;
    for (const row of rows) byReason[row.reason] = row.n;
    return { total: rows.reduce((sum, row) => sum + row.n, 0), byReason };
  }

  /**
   * The caller may see an item's matches if it owns the item, or is staff; anyone else gets 404.
   * Stored matches are served while they are of the item's current version and fresh; otherwise
   * they are computed now and a refresh is queued.
   */
  private async matches(caller: Principal, kind: MatchKind, id: string, limit: number): Promise<StoredMatch[]> {
    const item = await this.load(kind, id);
    const staff = caller.role === Role.Admin || caller.role === Role.Operator;
    if (!item || !(staff || caller.organizationId === item.ownerOrganizationId)) throw new NotFoundException(kind, id);
    const today = platformDate();
    if (!isMatchable(item, today)) return [];
    const state = await this.repository.state(kind, id);
    const fresh =
      state && state.version === versionOf(item) && Date.now() - state.computedAt.getTime() < MATCH_LIMITS.staleAfterHours * 3_600_000;
    if (fresh) return this.repository.storedMatches(kind, id, today, limit);
    const matches = await this.compute(item, limit, today);
    await this.dataSource.transaction((manager) =>
      this.outbox.enqueue(
        manager,
        JobName.ComputeMatches,
        { kind, id },
        { key: `${kind}:${id}:${versionOf(item)}:${state?.computedAt.toISOString() ?? 'new'}` },
      ),
    );
    return matches;
  }

  private compute(item: Item, limit: number, today: string): Promise<StoredMatch[]> {
    return item instanceof Need ? this.engine.listingsForNeed(item, limit, today) : this.engine.needsForListing(item as Listing, limit);
  }

  private load(kind: MatchKind, id: string): Promise<Item | null> {
    return kind === 'need'
      ? this.dataSource.getRepository(Need).findOneBy({ id })
      : this.dataSource.getRepository(Listing).findOneBy({ id });
  }
}

/** Published, and for a listing still valid: the items that match and are matched. */
function isMatchable(item: Item, today: string): boolean {
  if (item.status !== CatalogStatus.Published) return false;
  return !(item instanceof Listing) || (item.validUntil !== null && item.validUntil >= today);
}

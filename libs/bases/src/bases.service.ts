import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '#yizhi/audit';
import { isUniqueViolation, NotFoundException, ResponseCache, type Page, type Principal } from '#yizhi/core';
import type { DataSource, EntityManager } from 'typeorm';
import { Base } from './base.entity.js';
import { BaseException } from './base.exception.js';
import { BASE_SEEDS } from './base.seed.js';
import { BasesRepository, type BaseFilter } from './bases.repository.js';
import { BaseView, type CreateBaseDto, type UpdateBaseDto } from './dto/base.dto.js';

/** The response-cache tag of the public base routes; every write invalidates it. */
export const BASES_CACHE_TAG = 'bases';

@Injectable()
export class BasesService {
  constructor(
    private readonly bases: BasesRepository,
    private readonly responses: ResponseCache,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  list(filter: BaseFilter): Promise<Page<Base>> {
    return this.bases.list(filter);
  }

  async get(id: string): Promise<Base> {
    const base = await this.bases.findById(id);
    if (!base) throw new NotFoundException('base', id);
    return base;
  }

  exists(id: string): Promise<boolean> {
    return this.bases.exists(id);
  }

  async create(dto: CreateBaseDto, caller: Principal | null): Promise<Base> {
    try {
      return await this.dataSource.transaction((manager) =>
        this.insert(manager, { ...dto, district: dto.district ?? null, address: dto.address ?? null, active: dto.active ?? true }, caller),
      );
    } catch (error) {
      throw this.uniqueConflict(error, dto);
    } finally {
      this.responses.invalidate(BASES_CACHE_TAG);
    }
  }

  async update(id: string, dto: UpdateBaseDto, caller: Principal): Promise<Base> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const base = await this.bases.lockById(manager, id);
        if (!base) throw new NotFoundException('base', id);
        const before = BaseView.of(base);
        const saved = await this.bases.save(manager, Object.assign(base, dto));
        await this.audit.record(manager, {
          actor: caller,
          action: 'base.update',
          entity: 'base',
          entityId: id,
          before,
          after: BaseView.of(saved),
        });
        return saved;
      });
    } catch (error) {
      throw this.uniqueConflict(error, dto);
    } finally {
      this.responses.invalidate(BASES_CACHE_TAG);
    }
  }

  /** Inserts the seeded bases that are missing (by code); never overwrites an admin's edits. */
  async seed(): Promise<number> {
    let created = 0;
    for (const seed of BASE_SEEDS) {
      if (await this.bases.findByCode(seed.code)) continue;
      await this.dataSource.transaction((manager) => this.insert(manager, { ...seed, address: null, active: true }, null));
      created++;
    }
    if (created) this.responses.invalidate(BASES_CACHE_TAG);
    return created;
  }

  private async insert(manager: EntityManager, values: Partial<Base>, caller: Principal | null): Promise<Base> {
    const base = await this.bases.insert(manager, values);
    await this.audit.record(manager, {
      actor: caller,
      action: 'base.create',
      entity: 'base',
      entityId: base.id,
      before: null,
      after: BaseView.of(base),
    });
    return base;
  }

  private uniqueConflict(error: unknown, dto: UpdateBaseDto & { code?: string }): unknown {
    if (isUniqueViolation(error, 'base_code_key')) return BaseException.codeTaken(dto.code ?? '');
    if (isUniqueViolation(error, 'base_name_key')) return BaseException.nameTaken(dto.name ?? '');
    return error;
  }
}

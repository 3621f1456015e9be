import { Injectable } from '@nestjs/common';
import { isUniqueViolation, NotFoundException, ResponseCache, type Page } from '#yizhi/core';
import { Base } from './base.entity.js';
import { BaseException } from './base.exception.js';
import { BASE_SEEDS } from './base.seed.js';
import { BasesRepository, type BaseFilter } from './bases.repository.js';
import type { CreateBaseDto, UpdateBaseDto } from './dto/base.dto.js';

/** The response-cache tag of the public base routes; every write invalidates it. */
export const BASES_CACHE_TAG = 'bases';

@Injectable()
export class BasesService {
  constructor(
    private readonly bases: BasesRepository,
    private readonly responses: ResponseCache,
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

  async create(dto: CreateBaseDto): Promise<Base> {
    try {
      return await this.bases.insert({ ...dto, district: dto.district ?? null, address: dto.address ?? null, active: dto.active ?? true });
    } catch (error) {
      throw this.uniqueConflict(error, dto);
    } finally {
      this.responses.invalidate(BASES_CACHE_TAG);
    }
  }

  async update(id: string, dto: UpdateBaseDto): Promise<Base> {
    const base = await this.get(id);
    Object.assign(base, dto);
    try {
      return await this.bases.save(base);
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
      await this.bases.insert({ ...seed, address: null, active: true });
      created++;
    }
    if (created) this.responses.invalidate(BASES_CACHE_TAG);
    return created;
  }

  private uniqueConflict(error: unknown, dto: UpdateBaseDto & { code?: string }): unknown {
    if (isUniqueViolation(error, 'base_code_key')) return BaseException.codeTaken(dto.code ?? '');
    if (isUniqueViolation(error, 'base_name_key')) return BaseException.nameTaken(dto.name ?? '');
    return error;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { decodeCursor, toPage, ValidationFailedException, type Page } from '#yizhi/core';
import type { EntityManager, Repository } from 'typeorm';
import { Base, BaseKind, type Province } from './base.entity.js';

export interface BaseFilter {
  kind?: BaseKind;
  province?: Province;
  active?: boolean;
  limit: number;
  cursor?: string;
}

type BaseCursor = { kind: string; code: string };

/** Every query on `base`. */
@Injectable()
export class BasesRepository {
  constructor(@InjectRepository(Base) private readonly bases: Repository<Base>) {}

  /** Keyset page ordered by (kind, code); kind orders as its enum: online, offline, branch. */
  async list(filter: BaseFilter): Promise<Page<Base>> {
    const query = this.bases
      .createQueryBuilder('b')
      .orderBy('b.kind')
      .addOrderBy('b.code')
      .limit(filter.limit + 1);
    if (filter.kind) query.andWhere('b.kind = :kind', { kind: filter.kind });
    if (filter.province) query.andWhere('b.province = :province', { province: filter.province });
    if (filter.active !== undefined) query.andWhere('b.active = :active', { active: filter.active });
    if (filter.cursor) {
      const after = decodeCursor<BaseCursor>(filter.cursor, { kind: 'string', code: 'string' });
      if (!(Object.values(BaseKind) as string[]).includes(after.kind))
        throw ValidationFailedException.field('cursor', 'is not a cursor this API issued');
      query.andWhere('(b.kind, b.code) > (CAST(:kind AS base_kind), :code)', { kind: after.kind, code: after.code });
    }
    const rows = await query.getMany();
    return toPage(
      rows,
      filter.limit,
      (b) => ({ kind: b.kind, code: b.code }),
      (b) => b,
    );
  }

  findById(id: string): Promise<Base | null> {
    return this.bases.findOneBy({ id });
  }

  exists(id: string): Promise<boolean> {
    return this.bases.existsBy({ id });
  }

  findByCode(code: string): Promise<Base | null> {
    return this.bases.findOneBy({ code });
  }

  insert(manager: EntityManager, values: Partial<Base>): Promise<Base> {
    return manager.save(manager.create(Base, values));
  }

  lockById(manager: EntityManager, id: string): Promise<Base | null> {
    return manager.findOne(Base, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  save(manager: EntityManager, base: Base): Promise<Base> {
    return manager.save(base);
  }
}

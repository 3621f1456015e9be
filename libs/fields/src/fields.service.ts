import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Field } from './field.entity.js';
import { FIELD_SEEDS } from './field.seed.js';

@Injectable()
export class FieldsService {
  constructor(@InjectRepository(Field) private readonly fields: Repository<Field>) {}

  list(): Promise<Field[]> {
    return this.fields.find({ order: { sortOrder: 'ASC' } });
  }

  /** Inserts missing fields; leaves existing rows (and any renamed labels) alone. */
  async seed(): Promise<number> {
    const result = await this.fields
      .createQueryBuilder()
      .insert()
      .values(FIELD_SEEDS.map((f, i) => ({ ...f, sortOrder: i + 1 })))
      .orIgnore()
      .returning(['code'])
      .execute();
    return (result.raw as unknown[]).length;
  }
}

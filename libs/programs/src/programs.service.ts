import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Program } from './program.entity.js';
import { FIVE_YEAR_PROGRAM } from './program.seed.js';

@Injectable()
export class ProgramsService {
  constructor(@InjectRepository(Program) private readonly programs: Repository<Program>) {}

  /** Creates the five-year program if it is missing; returns how many rows were inserted. */
  async seed(): Promise<number> {
    const result = await this.programs
      .createQueryBuilder()
      .insert()
      .values({ ...FIVE_YEAR_PROGRAM })
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length;
  }
}

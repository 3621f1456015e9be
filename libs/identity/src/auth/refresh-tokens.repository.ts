import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, type DataSource, type Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity.js';

export type RotationOutcome = { kind: 'rotated'; token: RefreshToken } | { kind: 'reused'; token: RefreshToken } | { kind: 'invalid' };

@Injectable()
export class RefreshTokensRepository {
  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  insert(values: Pick<RefreshToken, 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'>): Promise<RefreshToken> {
    return this.tokens.save(this.tokens.create(values));
  }

  /**
   * Marks the token with this hash used and inserts its successor, under a row lock so that two
   * concurrent refreshes with one token cannot both succeed. A token already used (or revoked)
   * revokes its whole family.
   */
  rotate(
    tokenHash: string,
    successor: (used: RefreshToken) => Pick<RefreshToken, 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'>,
  ): Promise<RotationOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const token = await manager.findOne(RefreshToken, { where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
      if (!token || token.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' } as const;
      if (token.usedAt || token.revokedAt) {
        await manager.update(RefreshToken, { familyId: token.familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
        return { kind: 'reused', token } as const;
      }
      await manager.update(RefreshToken, { id: token.id }, { usedAt: () => 'now()' });
      const next = await manager.save(manager.create(RefreshToken, successor(token)));
      return { kind: 'rotated', token: next } as const;
    });
  }

  /** Deletes tokens that expired before `before`; returns how many. */
  async deleteExpired(before: Date): Promise<number> {
    const result = await this.tokens.delete({ expiresAt: LessThan(before) });
    return result.affected ?? 0;
  }
}

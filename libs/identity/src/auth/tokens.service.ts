import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig, type Principal } from '#yizhi/core';
import type { TokensView } from '../dto/views.js';
import { IdentityException } from '../identity.exception.js';
import type { User } from '../users/user.entity.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/** What an access token carries; short names keep the token small. */
export interface AccessClaims {
  sub: string;
  role: Principal['role'];
  org: string | null;
  base: string | null;
}

/** Refresh tokens are 256 random bits, so a plain SHA-256 is a sound way to store them. */
export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');

@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly refreshTokens: RefreshTokensRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts a new refresh-token family (a login). */
  issue(user: User): Promise<TokensView> {
    return this.pair(user, randomUUID());
  }

  /** Exchanges a refresh token for a new pair; a replayed token revokes its family. */
  async rotate(refreshToken: string, loadUser: (id: string) => Promise<User | null>): Promise<TokensView> {
    const secret = randomBytes(32).toString('base64url');
    const outcome = await this.refreshTokens.rotate(hashRefreshToken(refreshToken), (used) => ({
      userId: used.userId,
      familyId: used.familyId,
      tokenHash: hashRefreshToken(secret),
      expiresAt: this.refreshExpiry(),
    }));
    if (outcome.kind === 'reused') throw IdentityException.refreshTokenReused();
    if (outcome.kind === 'invalid') throw IdentityException.refreshTokenInvalid();
    const user = await loadUser(outcome.token.userId);
    if (!user) throw IdentityException.refreshTokenInvalid();
    return { accessToken: await this.accessToken(user), refreshToken: secret, expiresIn: this.config.accessTokenTtlSeconds };
  }

  private async pair(user: User, familyId: string): Promise<TokensView> {
    const secret = randomBytes(32).toString('base64url');
    await this.refreshTokens.insert({ userId: user.id, familyId, tokenHash: hashRefreshToken(secret), expiresAt: this.refreshExpiry() });
    return { accessToken: await this.accessToken(user), refreshToken: secret, expiresIn: this.config.accessTokenTtlSeconds };
  }

  private accessToken(user: User): Promise<string> {
    const claims: AccessClaims = { sub: user.id, role: user.role, org: user.organizationId, base: user.baseId };
    return this.jwt.signAsync(claims, { expiresIn: this.config.accessTokenTtlSeconds });
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.refreshTokenTtlSeconds * 1000);
  }
}

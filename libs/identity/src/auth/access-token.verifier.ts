import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService, type JwtVerifyOptions } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig, type Principal } from '#yizhi/core';
import type { AccessClaims } from './tokens.service.js';

/** How an access token is checked, wherever it is: HS256 only, expiry enforced. */
export const ACCESS_TOKEN_VERIFY_OPTIONS = { algorithms: ['HS256'], ignoreExpiration: false } satisfies JwtVerifyOptions;

/** The caller an access token's claims name. */
export const principalOf = (claims: AccessClaims): Principal => ({
  userId: claims.sub,
  role: claims.role,
  organizationId: claims.org,
  baseId: claims.base,
});

export interface VerifiedAccessToken {
  principal: Principal;
  /** From `exp`; null for a token without one (ours always have one; passport accepts it too). */
  expiresAt: Date | null;
}

/**
 * The one verification of access tokens: its key and options back the passport strategy (bearer
 * tokens on every route) and `verify` serves what passport does not reach (the queue dashboard,
 * a Fastify plugin outside Nest's guards).
 */
@Injectable()
export class AccessTokenVerifier {
  /**
   * A KeyObject, made once: given a string, jsonwebtoken tries (and fails) to parse it as a PEM
   * public key on every verification, an exception per request (0.7 ms of CPU each, measured).
   */
  readonly key: KeyObject;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly jwt: JwtService,
  ) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  /** The caller and when the token expires, or null when it is malformed, not ours, of another algorithm or expired. */
  verify(token: string): VerifiedAccessToken | null {
    try {
      // jsonwebtoken takes the KeyObject as passport-jwt gives it; @nestjs/jwt's types only know strings and Buffers.
      const claims = this.jwt.verify<AccessClaims & { exp?: number }>(token, {
        ...ACCESS_TOKEN_VERIFY_OPTIONS,
        secret: this.key as unknown as string,
      });
      return { principal: principalOf(claims), expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null };
    } catch {
      return null;
    }
  }
}

import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Principal } from '#yizhi/core';
import { ACCESS_TOKEN_VERIFY_OPTIONS, AccessTokenVerifier, principalOf } from './access-token.verifier.js';
import type { AccessClaims } from './tokens.service.js';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(verifier: AccessTokenVerifier) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands the key to jsonwebtoken untouched; its types only know strings and Buffers.
      secretOrKey: verifier.key as unknown as string,
      ...ACCESS_TOKEN_VERIFY_OPTIONS,
    });
  }

  validate(claims: AccessClaims): Principal {
    return principalOf(claims);
  }
}

import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig, type Principal } from '#yizhi/core';
import type { AccessClaims } from './tokens.service.js';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, made once: given a string, jsonwebtoken tries (and fails) to parse it as a PEM
      // public key on every verification, an exception per request (0.7 ms of CPU each, measured).
      // passport-jwt hands it to jsonwebtoken untouched; its types only know strings and Buffers.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessClaims): Principal {
    return { userId: claims.sub, role: claims.role, organizationId: claims.org, baseId: claims.base };
  }
}

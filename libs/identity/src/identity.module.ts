import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '#yizhi/audit';
import { BasesModule } from '#yizhi/bases';
import { APP_CONFIG, type AppConfig } from '#yizhi/core';
import { AccessGuard } from './access/access.guard.js';
import { AccessTokenVerifier } from './auth/access-token.verifier.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthService } from './auth/auth.service.js';
import { JwtStrategy } from './auth/jwt.strategy.js';
import { LocalStrategy } from './auth/local.strategy.js';
import { LoginThrottleService } from './auth/login-throttle.service.js';
import { PasswordService } from './auth/password.service.js';
import { RefreshTokenPurgeHandler } from './auth/refresh-token-purge.handler.js';
import { RefreshToken } from './auth/refresh-token.entity.js';
import { RefreshTokensRepository } from './auth/refresh-tokens.repository.js';
import { TokensService } from './auth/tokens.service.js';
import { Organization } from './organizations/organization.entity.js';
import { OrganizationsController } from './organizations/organizations.controller.js';
import { OrganizationsRepository } from './organizations/organizations.repository.js';
import { OrganizationsService } from './organizations/organizations.service.js';
import { User } from './users/user.entity.js';
import { UsersController } from './users/users.controller.js';
import { UsersRepository } from './users/users.repository.js';
import { UsersService } from './users/users.service.js';

const persistence = TypeOrmModule.forFeature([Organization, User, RefreshToken]);

/** Users and organisations without HTTP or tokens: for the API, the seed command and later libraries. */
@Module({
  imports: [persistence, BasesModule, AuditModule],
  providers: [PasswordService, UsersRepository, UsersService, OrganizationsRepository, OrganizationsService],
  exports: [PasswordService, UsersRepository, UsersService, OrganizationsService],
})
export class IdentityCoreModule {}

/** Sign-up, sign-in, tokens, the users and organisations routes, and the global access guard. */
@Module({
  imports: [
    persistence,
    IdentityCoreModule,
    AuditModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [AuthController, UsersController, OrganizationsController],
  providers: [
    AccessGuard,
    AccessTokenVerifier,
    AuthService,
    JwtStrategy,
    LocalStrategy,
    LoginThrottleService,
    TokensService,
    RefreshTokensRepository,
  ],
  exports: [AccessGuard, AccessTokenVerifier, IdentityCoreModule],
})
export class IdentityModule {}

/** What the worker needs of identity: the refresh-token purge job, no HTTP and no JWT. */
@Module({
  imports: [persistence],
  providers: [RefreshTokensRepository, RefreshTokenPurgeHandler],
})
export class IdentityJobsModule {}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '#yizhi/audit';
import type { DataSource } from 'typeorm';
import { OrganizationView, UserView, type TokensView } from '../dto/views.js';
import { isUniqueViolation, Role } from '#yizhi/core';
import type { RegisterDto } from '../dto/register.dto.js';
import { IdentityException } from '../identity.exception.js';
import { Organization, OrganizationKind, OrganizationStatus } from '../organizations/organization.entity.js';
import type { User } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { PasswordService } from './password.service.js';
import { TokensService } from './tokens.service.js';

const ROLE_OF_KIND: Record<OrganizationKind, Role> = {
  [OrganizationKind.Enterprise]: Role.Enterprise,
  [OrganizationKind.Institute]: Role.Institute,
};

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly tokens: TokensService,
    private readonly throttle: LoginThrottleService,
  ) {}

  /** Creates a pending organisation and its first user, whose role follows the organisation's kind. */
  async register(dto: RegisterDto): Promise<{ user: User; organization: Organization }> {
    const passwordHash = await this.passwords.hash(dto.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const registered = await this.users.insertWithOrganization(
          manager,
          { ...dto.organization, status: OrganizationStatus.Pending },
          { email: dto.email, passwordHash, displayName: dto.displayName, role: ROLE_OF_KIND[dto.organization.kind] },
        );
        const { organization, user } = registered;
        const actor = { userId: user.id, role: user.role, organizationId: organization.id, baseId: null };
        await this.audit.record(manager, {
          actor,
          action: 'organization.register',
          entity: 'organization',
          entityId: organization.id,
          before: null,
          after: OrganizationView.of(organization),
        });
        await this.audit.record(manager, {
          actor,
          action: 'user.create',
          entity: 'user',
          entityId: user.id,
          before: null,
          after: UserView.of(user),
        });
        return registered;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'user_email_key')) throw IdentityException.emailTaken();
      if (isUniqueViolation(error, 'organization_credit_code_key')) throw IdentityException.creditCodeTaken();
      throw error;
    }
  }

  /**
   * The passport-local check: throttled per account and IP, one argon2 run whether or not the
   * email exists. The throttle counts each admitted attempt as a failure until it succeeds.
   */
  async validateCredentials(email: string, password: string, ip: string): Promise<User> {
    await this.throttle.assertAllowed(email, ip);
    const user = await this.users.findByEmail(email);
    const ok = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !ok) throw IdentityException.invalidCredentials();
    await this.throttle.recordSuccess(email, ip);
    return user;
  }

  login(user: User): Promise<TokensView> {
    return this.tokens.issue(user);
  }

  refresh(refreshToken: string): Promise<TokensView> {
    return this.tokens.rotate(refreshToken, (id) => this.users.findById(id));
  }
}

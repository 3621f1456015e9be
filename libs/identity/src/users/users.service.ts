import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '#yizhi/audit';
import type { DataSource } from 'typeorm';
import { UserView } from '../dto/views.js';
import { BasesService } from '#yizhi/bases';
import { isUniqueViolation, NotFoundException, Role, ValidationFailedException, type Principal } from '#yizhi/core';
import { PasswordService } from '../auth/password.service.js';
import type { CreateUserDto } from '../dto/create-user.dto.js';
import { IdentityException } from '../identity.exception.js';
import type { User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly bases: BasesService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async get(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException('user', id);
    return user;
  }

  /** An admin creates platform staff: an operator tied to a base, or another admin. */
  async createStaff(dto: CreateUserDto, caller: Principal): Promise<User> {
    if (dto.role === Role.Admin && dto.baseId !== undefined) {
      throw ValidationFailedException.field('baseId', 'must not be given for an admin');
    }
    if (dto.role === Role.Operator && !(await this.bases.exists(dto.baseId!))) {
      throw IdentityException.unknownBase();
    }
    const passwordHash = await this.passwords.hash(dto.password);
    try {
      return await this.insert(
        {
          email: dto.email,
          passwordHash,
          displayName: dto.displayName,
          role: dto.role,
          baseId: dto.role === Role.Operator ? dto.baseId! : null,
          organizationId: null,
        },
        caller,
      );
    } catch (error) {
      if (isUniqueViolation(error, 'user_email_key')) throw IdentityException.emailTaken();
      throw error;
    }
  }

  /**
   * The seed's bootstrap admin: created when the email is free. An existing account is left as
   * it is (its password may have been changed since), so the seed stays idempotent.
   */
  async ensureAdmin(email: string, password: string): Promise<boolean> {
    if (await this.users.findByEmail(email)) return false;
    await this.insert({ email, passwordHash: await this.passwords.hash(password), displayName: '平台管理员', role: Role.Admin }, null);
    return true;
  }

  private insert(values: Partial<User>, caller: Principal | null): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.insert(manager, values);
      await this.audit.record(manager, {
        actor: caller,
        action: 'user.create',
        entity: 'user',
        entityId: user.id,
        before: null,
        after: UserView.of(user),
      });
      return user;
    });
  }
}

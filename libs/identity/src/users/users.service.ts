import { Injectable } from '@nestjs/common';
import { BasesService } from '#yizhi/bases';
import { isUniqueViolation, NotFoundException, Role, ValidationFailedException } from '#yizhi/core';
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
  ) {}

  async get(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException('user', id);
    return user;
  }

  /** An admin creates platform staff: an operator tied to a base, or another admin. */
  async createStaff(dto: CreateUserDto): Promise<User> {
    if (dto.role === Role.Admin && dto.baseId !== undefined) {
      throw ValidationFailedException.field('baseId', 'must not be given for an admin');
    }
    if (dto.role === Role.Operator && !(await this.bases.exists(dto.baseId!))) {
      throw IdentityException.unknownBase();
    }
    const passwordHash = await this.passwords.hash(dto.password);
    try {
      return await this.users.insert({
        email: dto.email,
        passwordHash,
        displayName: dto.displayName,
        role: dto.role,
        baseId: dto.role === Role.Operator ? dto.baseId! : null,
        organizationId: null,
      });
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
    await this.users.insert({ email, passwordHash: await this.passwords.hash(password), displayName: '平台管理员', role: Role.Admin });
    return true;
  }
}

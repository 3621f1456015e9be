import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Organization } from '../organizations/organization.entity.js';
import { User } from './user.entity.js';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  insert(manager: EntityManager, values: Partial<User>): Promise<User> {
    return manager.save(manager.create(User, values));
  }

  /** Registration: the organisation, then its first user (in the caller's transaction). */
  async insertWithOrganization(
    manager: EntityManager,
    organization: Partial<Organization>,
    user: Partial<User>,
  ): Promise<{ user: User; organization: Organization }> {
    const savedOrganization = await manager.save(manager.create(Organization, organization));
    const savedUser = await manager.save(manager.create(User, { ...user, organizationId: savedOrganization.id }));
    return { user: savedUser, organization: savedOrganization };
  }
}

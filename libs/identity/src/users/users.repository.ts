import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { Organization } from '../organizations/organization.entity.js';
import { User } from './user.entity.js';

@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  insert(values: Partial<User>): Promise<User> {
    return this.users.save(this.users.create(values));
  }

  /** Registration: the organisation and its first user commit together or not at all. */
  insertWithOrganization(organization: Partial<Organization>, user: Partial<User>): Promise<{ user: User; organization: Organization }> {
    return this.dataSource.transaction(async (manager) => {
      const savedOrganization = await manager.save(manager.create(Organization, organization));
      const savedUser = await manager.save(manager.create(User, { ...user, organizationId: savedOrganization.id }));
      return { user: savedUser, organization: savedOrganization };
    });
  }
}

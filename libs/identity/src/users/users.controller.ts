import { Body, Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Role, Roles, type Principal } from '#yizhi/core';
import { CreateUserDto } from '../dto/create-user.dto.js';
import { UserView } from '../dto/views.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Roles(Role.Admin)
  @Post()
  @ApiOperation({ summary: 'Create an operator (tied to a base) or another admin' })
  @ApiCreatedResponse({ type: UserView })
  async create(@Body() dto: CreateUserDto, @CurrentUser() caller: Principal): Promise<UserView> {
    return UserView.of(await this.users.createStaff(dto, caller));
  }
}

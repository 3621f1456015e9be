import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { CurrentUser, Public, type Principal } from '#yizhi/core';
import { LoginDto, RefreshDto } from '../dto/login.dto.js';
import { RegisterDto } from '../dto/register.dto.js';
import { OrganizationView, RegisteredView, TokensView, UserView } from '../dto/views.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AuthService } from './auth.service.js';
import { LocalAuthGuard } from './local-auth.guard.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('register')
  @ApiOperation({ summary: 'Register an organisation (pending review) and its first user' })
  @ApiCreatedResponse({ type: RegisteredView })
  async register(@Body() dto: RegisterDto): Promise<RegisteredView> {
    const { user, organization } = await this.auth.register(dto);
    return { user: UserView.of(user), organization: OrganizationView.of(organization) };
  }

  @Public()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for tokens; 5 failures per account or 50 per IP in 15 min give 429' })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokensView })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins; see Retry-After' })
  login(@Req() request: { user: User }): Promise<TokensView> {
    return this.auth.login(request.user);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token; a reused token revokes its whole session' })
  @ApiOkResponse({ type: TokensView })
  refresh(@Body() dto: RefreshDto): Promise<TokensView> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Get('me')
  @ApiOkResponse({ type: UserView })
  async me(@CurrentUser() caller: Principal): Promise<UserView> {
    return UserView.of(await this.users.get(caller.userId));
  }
}

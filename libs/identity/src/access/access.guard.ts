import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ForbiddenException, IS_PUBLIC, OPTIONAL_AUTH, ROLES, UnauthenticatedException, type Principal, type Role } from '#yizhi/core';

/**
 * The global guard: every route needs a valid access token unless it is @Public(), and
 * @Roles(...) narrows it further. Object-level rules (own organisation, own base) are the
 * services' job.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      const optional = this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, targets);
      const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
      if (optional && request.headers.authorization !== undefined) await super.canActivate(context);
      return true;
    }
    await super.canActivate(context);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    const principal = context.switchToHttp().getRequest<{ user: Principal }>().user;
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenException(`This route is for ${roles.join(' or ')} users`);
    }
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    if (!user) throw new UnauthenticatedException('A valid access token is required');
    return user;
  }
}

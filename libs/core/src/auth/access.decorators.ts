import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Role } from './role.js';

export const IS_PUBLIC = 'yizhi:isPublic';
export const OPTIONAL_AUTH = 'yizhi:optionalAuth';
export const ROLES = 'yizhi:roles';

/** Who is calling, as the access token says. */
export interface Principal {
  userId: string;
  role: Role;
  organizationId: string | null;
  baseId: string | null;
}

/** OpenAPI extensions that tell the document builder (and the 401 test) who may call a route. */
export const OPENAPI_PUBLIC = 'x-public';
export const OPENAPI_ROLES = 'x-roles';

/** Opts a route out of the global deny-by-default guard. */
export const Public = (): MethodDecorator => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(OPENAPI_PUBLIC, true));

/**
 * A public route that also serves signed-in callers differently (their own drafts, `?mine=true`):
 * a bearer token, when sent, is checked (a bad one is a 401) and becomes @CurrentUser; without
 * one the caller is anonymous (@OptionalUser() gives null).
 */
export const OptionalAuth = (): MethodDecorator => applyDecorators(Public(), SetMetadata(OPTIONAL_AUTH, true));

/** Narrows a route to these roles; without it any signed-in user passes the guard. */
export const Roles = (...roles: Role[]): MethodDecorator => applyDecorators(SetMetadata(ROLES, roles), ApiExtension(OPENAPI_ROLES, roles));

/** The signed-in caller; only on routes that are not @Public(). */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
  if (!principal) throw new Error('@CurrentUser() used on a route without authentication');
  return principal;
});

/** The caller on an @OptionalAuth() route, or null when anonymous. */
export const OptionalUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | null => context.switchToHttp().getRequest<{ user?: Principal }>().user ?? null,
);

import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flattenValidationErrors, ValidationFailedException } from '#yizhi/core';
import { LoginDto } from '../dto/login.dto.js';

/**
 * Validates the login body the way the global pipe would (guards run before pipes), so a
 * missing or malformed field is a 400 naming it rather than passport's bare 401.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const body: unknown = context.switchToHttp().getRequest<{ body: unknown }>().body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw ValidationFailedException.field('body', 'must be a JSON object with email and password');
    }
    const errors = await validate(plainToInstance(LoginDto, body), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new ValidationFailedException(flattenValidationErrors(errors));
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    if (!user) throw new ValidationFailedException([{ field: 'email', message: 'email and password are required' }]);
    return user;
  }
}

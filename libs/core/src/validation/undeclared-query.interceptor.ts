import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Observable } from 'rxjs';
import { ValidationFailedException } from '../errors/common.exceptions.js';

/**
 * Refuses query parameters on a route that declares none (no `@Query()` argument), with a 400
 * naming them, as the validation pipe refuses unknown fields of a declared query or body: a
 * mistyped `?limt=5` must not be silently ignored. Routes with a query DTO are left to the pipe.
 */
@Injectable()
export class UndeclaredQueryInterceptor implements NestInterceptor {
  private readonly declaresQuery = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const query = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {};
      const names = Object.keys(query);
      if (names.length && !this.declares(context)) {
        throw new ValidationFailedException(
          names.map((name) => ({ field: name, message: `${name} is not a query parameter of this route` })),
        );
      }
    }
    return next.handle();
  }

  private declares(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let declared = this.declaresQuery.get(handler);
    if (declared === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
      declared = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
      this.declaresQuery.set(handler, declared);
    }
    return declared;
  }
}

import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-body.js';

/** The one place errors become HTTP responses; see toErrorResponse for the mapping. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { body, headers, unexpected } = toErrorResponse(exception);
    if (unexpected) {
      this.logger.error({ err: exception, reqId: request.id, url: request.url }, 'request failed');
    }
    void reply.status(body.statusCode).headers(headers).send(body);
  }
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenException, Role, toErrorResponse, UnauthenticatedException, type DomainException } from '#yizhi/core';
import type { VerifiedAccessToken } from '#yizhi/identity';

/** The cookie that carries an admin's access token to the dashboard's page, assets and XHRs. */
export const QUEUE_BOARD_COOKIE = 'yizhi_queue_board';

export interface QueueBoardAccessOptions {
  /** Where the dashboard is mounted, and so the cookie's Path. */
  path: string;
  verify: (token: string) => VerifiedAccessToken | null;
  /** Set the cookie's Secure attribute (production, behind HTTPS). */
  secureCookie: boolean;
}

const BEARER = /^Bearer\s+(\S+)$/i;
const TOKEN_PARAM = /([?&]token=)[^&#]*/g;

/** The URL to log: an access token in its query string (the dashboard's `?token=`) stays out of the logs. */
export function redactTokenParam(url: string): string {
  return url.includes('token=') ? url.replace(TOKEN_PARAM, '$1[redacted]') : url;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** Why `verified` may not open the dashboard, or undefined when it may. */
function refusal(verified: VerifiedAccessToken | null): DomainException | undefined {
  if (!verified) return new UnauthenticatedException('A valid access token is required');
  if (verified.principal.role !== Role.Admin) return new ForbiddenException('The queue dashboard is for admin users');
  return undefined;
}

function refuse(reply: FastifyReply, exception: DomainException): FastifyReply {
  const { body, headers } = toErrorResponse(exception);
  return reply.code(body.statusCode).headers(headers).send(body);
}

/**
 * The dashboard's onRequest hook: only admins, by our own access tokens. API clients send
 * `Authorization: Bearer`; a browser cannot add that header to the page, its assets and its XHRs,
 * so `GET <path>?token=<access token>` exchanges a valid admin token for an HttpOnly,
 * SameSite=Strict cookie scoped to the dashboard (it lives as long as the token) and redirects
 * to the same URL without the token. SameSite=Strict also keeps other sites from driving the
 * dashboard's write routes (retry, clean, …) with the cookie.
 */
export function queueBoardAccess(options: QueueBoardAccessOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const [path, search = ''] = request.url.split('?', 2);
    const query = new URLSearchParams(search);
    const exchanged = request.method === 'GET' ? query.get('token') : null;
    if (exchanged !== null) {
      const verified = options.verify(exchanged);
      const refused = refusal(verified);
      if (refused) return refuse(reply, refused);
      query.delete('token');
      // The path as received (it starts with the dashboard's), never normalised into somewhere else.
      const location = query.size ? `${path}?${query}` : path;
      return reply.header('set-cookie', sessionCookie(exchanged, verified!.expiresAt, options)).redirect(location, 302);
    }
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1] ?? cookieValue(request.headers.cookie, QUEUE_BOARD_COOKIE);
    const refused = refusal(token === undefined ? null : options.verify(token));
    if (refused) return refuse(reply, refused);
    return undefined;
  };
}

function sessionCookie(token: string, expiresAt: Date | null, options: QueueBoardAccessOptions): string {
  const attributes = [`${QUEUE_BOARD_COOKIE}=${token}`, `Path=${options.path}`, 'HttpOnly', 'SameSite=Strict'];
  if (expiresAt) attributes.push(`Max-Age=${Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000))}`);
  if (options.secureCookie) attributes.push('Secure');
  return attributes.join('; ');
}

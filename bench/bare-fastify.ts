/**
 * The baseline of `npm run bench`: a bare Fastify 5 server that answers GET /api/v1/bases with
 * the API's body. Runs as a child of bench/run.ts (its own event loop), which sends it a
 * BareRequest over IPC; it answers a BareReady once it listens.
 *
 * Modes:
 *  - `string`: the body pre-serialised, sent as is (the headline baseline);
 *  - `string-headers`: the same plus the API's response-header hook (registerResponseHeaders from
 *    apps/api/src/security-headers.ts: helmet's headers, computed once at start-up, and x-request-id
 *    with Fastify's default request id, not the API's UUID): the API's cached path minus the rest
 *    of the API (DIAGNOSTIC);
 *  - `object`: the body parsed once, and reply.send(object) lets Fastify JSON.stringify it on every
 *    request, as the API's Nest adapter does on a cache miss (DIAGNOSTIC);
 *  - `object-headers`: `object` plus the API's response-header hook (DIAGNOSTIC).
 */
import Fastify from 'fastify';
import { registerResponseHeaders } from '../apps/api/src/security-headers.js';

export const BARE_MODES = ['string', 'string-headers', 'object', 'object-headers'] as const;
export type BareMode = (typeof BARE_MODES)[number];

export interface BareRequest {
  body: string;
  contentType: string;
  mode: BareMode;
}

export interface BareReady {
  port: number;
}

function isBareRequest(message: unknown): message is BareRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { body, contentType, mode } = message as Record<string, unknown>;
  return typeof body === 'string' && typeof contentType === 'string' && (BARE_MODES as readonly unknown[]).includes(mode);
}

async function serve({ body, contentType, mode }: BareRequest): Promise<number> {
  const app = Fastify({ logger: false });
  if (mode === 'string-headers' || mode === 'object-headers') registerResponseHeaders(app);
  const payload: string | object = mode === 'string' || mode === 'string-headers' ? body : (JSON.parse(body) as object);
  app.get('/api/v1/bases', (_request, reply) => {
    void reply.header('content-type', contentType).send(payload);
  });
  process.once('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

if (!process.send) {
  console.error('bare-fastify is started by bench/run.ts (it needs an IPC channel)');
  process.exit(1);
}

process.once('message', (message: unknown) => {
  if (!isBareRequest(message)) {
    console.error('bare-fastify: unexpected message', message);
    process.exit(1);
  }
  serve(message).then(
    (port) => {
      const ready: BareReady = { port };
      process.send?.(ready);
    },
    (error: unknown) => {
      console.error('bare-fastify failed to start', error);
      process.exit(1);
    },
  );
});
// Exit when the parent goes away (the IPC channel closes).
process.on('disconnect', () => process.exit(0));

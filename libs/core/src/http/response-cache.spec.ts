import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { ResponseCache } from './response-cache.js';

const RULE = { responseCache: { tag: 'things', ttlMs: 1_000 } };

describe('ResponseCache', () => {
  let app: FastifyInstance;
  let cache: ResponseCache;
  let served: number;
  let status: number;
  /** When set, the handler waits for it: lets a test invalidate while a miss is in flight. */
  let gate: Promise<void> | undefined;
  let base: string;

  beforeEach(async () => {
    served = 0;
    status = 200;
    gate = undefined;
    cache = new ResponseCache();
    app = Fastify();
    cache.attach(app);
    app.get('/things', { config: RULE }, async (_request, reply) => {
      served++;
      const n = served;
      if (gate) await gate;
      return reply.status(status).send({ n });
    });
    app.post('/things', { config: RULE }, async () => ({ n: ++served }));
    app.get('/plain', async () => ({ n: ++served }));
    // A real socket: Fastify's inject() pulls in an ESM-only cookie parser that Jest cannot require.
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterEach(async () => {
    jest.useRealTimers();
    await app.close();
  });

  interface Answer {
    status: number;
    headers: Record<string, string | undefined>;
    json: () => unknown;
  }
  async function request(method: string, url: string): Promise<Answer> {
    const res = await fetch(base + url, { method });
    const text = await res.text();
    return { status: res.status, headers: Object.fromEntries(res.headers), json: () => JSON.parse(text) };
  }
  const get = (url = '/things') => request('GET', url);

  it('answers a repeated GET from the cache, per URL, without running the handler', async () => {
    const first = await get();
    expect(first.headers['x-cache']).toBe('miss');
    const second = await get();
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.json()).toEqual({ n: 1 });
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect((await get('/things?page=2')).json()).toEqual({ n: 2 });
    expect(served).toBe(2);
  });

  it('drops a tag on invalidate', async () => {
    await get();
    cache.invalidate('things');
    expect((await get()).json()).toEqual({ n: 2 });
  });

  it('does not store a response computed before an invalidation that happened while it ran', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const inFlight = get();
    await new Promise((resolve) => setTimeout(resolve, 20));
    cache.invalidate('things');
    open();
    expect((await inFlight).headers['x-cache']).toBeUndefined();
    gate = undefined;
    expect((await get()).json()).toEqual({ n: 2 });
  });

  it('expires entries after their TTL', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await get();
    jest.setSystemTime(Date.now() + 999);
    expect((await get()).headers['x-cache']).toBe('hit');
    jest.setSystemTime(Date.now() + 2);
    expect((await get()).json()).toEqual({ n: 2 });
  });

  it('stores only 200 answers to GETs of routes that opted in', async () => {
    status = 404;
    await get();
    await get();
    expect(served).toBe(2);
    await request('POST', '/things');
    await request('POST', '/things');
    await request('GET', '/plain');
    const plain = await request('GET', '/plain');
    expect(plain.headers['x-cache']).toBeUndefined();
    expect(served).toBe(6);
  });
});

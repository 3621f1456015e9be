import { applyDecorators, Global, Injectable, Module } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Public } from '../auth/access.decorators.js';

/** Route config key under which @CachedResponse stores its options. */
const CONFIG_KEY = 'responseCache';

interface CacheRule {
  tag: string;
  ttlMs: number;
}

interface Entry {
  body: string;
  contentType: string;
  expiresAt: number;
}

/** Most entries kept per process; cursors and filters make the key space finite but not tiny. */
const MAX_ENTRIES = 2_000;

/**
 * Marks a GET (and makes it public) whose answer is the same for every caller and changes only through writes
 * that call `ResponseCache.invalidate(tag)`: reference data such as the bases and the fields.
 */
export const CachedResponse = (tag: string, ttlSeconds: number): MethodDecorator =>
  // Public by construction: a hit is served before the guard runs, so a cached route must not need one.
  applyDecorators(Public(), RouteConfig({ [CONFIG_KEY]: { tag, ttlMs: ttlSeconds * 1000 } satisfies CacheRule }));

/**
 * An in-process cache of serialised 200 responses of @CachedResponse routes, keyed by URL. A hit is
 * answered from Fastify's onRequest hook, before Nest's pipeline and the database. A write in this
 * process invalidates its tag at once; other API processes see it when their entries expire (the
 * TTL is the bound on staleness across processes).
 */
@Injectable()
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by invalidate(): a response computed before a write is not stored after it. */
  private readonly versions = new Map<string, number>();

  invalidate(tag: string): void {
    this.versions.set(tag, (this.versions.get(tag) ?? 0) + 1);
    const prefix = `${tag} `;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /** Installs the hooks; call once, after the security-header hooks so that hits carry them too. */
  attach(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      const rule = ruleOf(request);
      if (!rule) return done();
      const key = `${rule.tag} ${request.url}`;
      const entry = this.entries.get(key);
      if (entry && entry.expiresAt > Date.now()) {
        void reply.header('content-type', entry.contentType).header('x-cache', 'hit').send(entry.body);
        return;
      }
      if (entry) this.entries.delete(key);
      (request as CachedRequest)[VERSION] = this.versions.get(rule.tag) ?? 0;
      done();
    });

    fastify.addHook('onSend', (request, reply, payload, done) => {
      const rule = ruleOf(request);
      const version = (request as CachedRequest)[VERSION];
      if (
        rule &&
        version !== undefined &&
        reply.statusCode === 200 &&
        typeof payload === 'string' &&
        version === (this.versions.get(rule.tag) ?? 0)
      ) {
        if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
        const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
        this.entries.set(`${rule.tag} ${request.url}`, { body: payload, contentType, expiresAt: Date.now() + rule.ttlMs });
        void reply.header('x-cache', 'miss');
      }
      done(null, payload);
    });
  }
}

const VERSION = Symbol('responseCacheVersion');
type CachedRequest = FastifyRequest & { [VERSION]?: number };

function ruleOf(request: FastifyRequest): CacheRule | undefined {
  if (request.method !== 'GET') return undefined;
  return (request.routeOptions.config as { [CONFIG_KEY]?: CacheRule } | undefined)?.[CONFIG_KEY];
}

@Global()
@Module({ providers: [ResponseCache], exports: [ResponseCache] })
export class ResponseCacheModule {}

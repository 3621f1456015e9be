import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, RateLimitedException, REDIS, type AppConfig } from '#yizhi/core';

export const LOGIN_THROTTLE = {
  windowSeconds: 15 * 60,
  perAccount: 5,
  perIp: 50,
} as const;

/**
 * Returns the seconds to wait when either counter is at its limit, else 0 after counting this
 * attempt as a failure in both (EXPIRE when a count starts: the window opens at the first
 * failure and lasts ARGV[3] seconds). Checking and counting in one step keeps concurrent
 * guesses from all passing the check before any of them is counted.
 */
const ADMIT = `
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i]) then
    local ttl = redis.call('TTL', key)
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[3]) end
end
return 0`;

/** A correct password: clears the account's counter and takes back the IP's provisional count. */
const SUCCEED = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1`;

/**
 * Failed-login counters in Redis, shared by every API process: 5 per account and 50 per IP in
 * 15 minutes, then 429 with Retry-After. Successful logins are not counted. If Redis is down the
 * throttle lets logins through (and logs it): PostgreSQL, not Redis, decides who gets in.
 */
@Injectable()
export class LoginThrottleService {
  private readonly logger = new Logger(LoginThrottleService.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Throws RateLimitedException when this account or IP has failed too often; otherwise admits
   * the attempt and counts it as a failure until recordSuccess takes it back.
   */
  async assertAllowed(email: string, ip: string): Promise<void> {
    let wait: number;
    try {
      wait = Number(
        await this.redis.eval(
          ADMIT,
          2,
          ...this.keys(email, ip),
          LOGIN_THROTTLE.perAccount,
          LOGIN_THROTTLE.perIp,
          LOGIN_THROTTLE.windowSeconds,
        ),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'login throttle unavailable; allowing the attempt');
      return;
    }
    if (wait > 0) throw new RateLimitedException('Too many failed logins; try again later', wait);
  }

  /** A correct password clears the account's counter and uncounts this attempt from the IP's. */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.redis.eval(SUCCEED, 2, ...this.keys(email, ip)).catch(() => undefined);
  }

  private keys(email: string, ip: string): [string, string] {
    const prefix = `${this.config.queuePrefix}:login-fail`;
    return [`${prefix}:account:${email}`, `${prefix}:ip:${ip}`];
  }
}

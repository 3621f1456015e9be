import { randomBytes } from 'node:crypto';

/** Everything the processes read from the environment, parsed and validated once. */
export interface AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly jwtSecret: string;
  /** True when no JWT_SECRET was given and a per-process secret was generated. */
  readonly jwtSecretGenerated: boolean;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly adminEmail: string;
  readonly adminPassword: string;
  /** Prefix of every Redis key we write (queues, throttle counters); hash-tagged for Redis Cluster. */
  readonly queuePrefix: string;
  readonly metricsToken: string | undefined;
  /** Trust X-Forwarded-For (set when the API sits behind a proxy), so login throttling sees client IPs. */
  readonly trustProxy: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const NODE_ENVS = ['development', 'production', 'test'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const CONFIG_DEFAULTS = {
  PORT: '3000',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/yizhi',
  REDIS_URL: 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: '{yizhi}',
  ACCESS_TOKEN_TTL: '900',
  REFRESH_TOKEN_TTL: '2592000',
  ADMIN_EMAIL: 'admin@yizhi.local',
  ADMIN_PASSWORD: 'change-me-Yizhi-2026',
  LOG_LEVEL: 'info',
  TRUST_PROXY: 'false',
} as const;

function text(env: Env, name: keyof typeof CONFIG_DEFAULTS): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? CONFIG_DEFAULTS[name] : value;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be an integer (got "${value}")`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${n})`);
  return n;
}

function url(name: string, value: string, protocols: readonly string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL (got "${value}")`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return value;
}

/** Parses the environment; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf('NODE_ENV', env.NODE_ENV?.trim() || 'development', NODE_ENVS);
  const givenSecret = env.JWT_SECRET?.trim();
  if (!givenSecret && nodeEnv === 'production') {
    throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
  }
  if (givenSecret && givenSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  }
  const queuePrefix = text(env, 'QUEUE_PREFIX');
  if (!/^\{[^{}]+\}/.test(queuePrefix)) {
    throw new ConfigError('QUEUE_PREFIX', `must start with a Redis Cluster hash tag such as {yizhi} (got "${queuePrefix}")`);
  }
  const adminPassword = text(env, 'ADMIN_PASSWORD');
  if (adminPassword.length < 10) throw new ConfigError('ADMIN_PASSWORD', 'must be at least 10 characters');
  const metricsToken = env.METRICS_TOKEN?.trim();

  return {
    nodeEnv,
    port: integer('PORT', text(env, 'PORT'), 0, 65535),
    databaseUrl: url('DATABASE_URL', text(env, 'DATABASE_URL'), ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', text(env, 'REDIS_URL'), ['redis:', 'rediss:']),
    jwtSecret: givenSecret || randomBytes(32).toString('base64url'),
    jwtSecretGenerated: !givenSecret,
    accessTokenTtlSeconds: integer('ACCESS_TOKEN_TTL', text(env, 'ACCESS_TOKEN_TTL'), 60, 86_400),
    refreshTokenTtlSeconds: integer('REFRESH_TOKEN_TTL', text(env, 'REFRESH_TOKEN_TTL'), 3_600, 31_536_000),
    adminEmail: text(env, 'ADMIN_EMAIL').toLowerCase(),
    adminPassword,
    queuePrefix,
    metricsToken: metricsToken || undefined,
    logLevel: oneOf('LOG_LEVEL', text(env, 'LOG_LEVEL'), LOG_LEVELS),
    trustProxy: oneOf('TRUST_PROXY', text(env, 'TRUST_PROXY'), ['true', 'false']) === 'true',
  };
}

import { describe, expect, it } from '@jest/globals';
import { CONFIG_DEFAULTS, ConfigError, loadConfig } from './app-config.js';

const SECRET = 'a-production-secret-of-32-chars!';

/** Runs loadConfig and returns the ConfigError it throws (failing the test if it does not). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig defaults', () => {
  it('gives the documented defaults for an empty environment', () => {
    const { jwtSecret, ...config } = loadConfig({});
    expect(config).toEqual({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/yizhi',
      redisUrl: 'redis://127.0.0.1:6379',
      jwtSecretGenerated: true,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 2_592_000,
      adminEmail: 'admin@yizhi.local',
      adminPassword: 'change-me-Yizhi-2026',
      queuePrefix: '{yizhi}',
      metricsToken: undefined,
      logLevel: 'info',
      trustProxy: false,
    });
    expect(jwtSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('documents the same defaults it applies', () => {
    const config = loadConfig({});
    expect(String(config.port)).toBe(CONFIG_DEFAULTS.PORT);
    expect(config.databaseUrl).toBe(CONFIG_DEFAULTS.DATABASE_URL);
    expect(config.redisUrl).toBe(CONFIG_DEFAULTS.REDIS_URL);
    expect(config.queuePrefix).toBe(CONFIG_DEFAULTS.QUEUE_PREFIX);
  });

  it('generates a different secret on every call', () => {
    const secrets = new Set([loadConfig({}).jwtSecret, loadConfig({}).jwtSecret, loadConfig({}).jwtSecret]);
    expect(secrets.size).toBe(3);
  });

  it('treats blank values as unset', () => {
    const config = loadConfig({ PORT: '  ', DATABASE_URL: '', NODE_ENV: ' ', JWT_SECRET: '   ' });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe(CONFIG_DEFAULTS.DATABASE_URL);
    expect(config.nodeEnv).toBe('development');
    expect(config.jwtSecretGenerated).toBe(true);
  });
});

describe('loadConfig with values', () => {
  it('reads every variable it is given', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgresql://app:pw@db:5432/yizhi',
      REDIS_URL: 'rediss://cache:6380',
      JWT_SECRET: `  ${SECRET}  `,
      ACCESS_TOKEN_TTL: '600',
      REFRESH_TOKEN_TTL: '86400',
      ADMIN_EMAIL: ' Admin@Example.CN ',
      ADMIN_PASSWORD: 'a-long-admin-password',
      QUEUE_PREFIX: '{yizhi-prod}',
      METRICS_TOKEN: ' scrape-me ',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
    });
    expect(config).toEqual({
      nodeEnv: 'production',
      port: 8080,
      databaseUrl: 'postgresql://app:pw@db:5432/yizhi',
      redisUrl: 'rediss://cache:6380',
      jwtSecret: SECRET,
      jwtSecretGenerated: false,
      accessTokenTtlSeconds: 600,
      refreshTokenTtlSeconds: 86_400,
      adminEmail: 'admin@example.cn',
      adminPassword: 'a-long-admin-password',
      queuePrefix: '{yizhi-prod}',
      metricsToken: 'scrape-me',
      logLevel: 'warn',
      trustProxy: true,
    });
  });

  it('accepts a 32-character secret in production', () => {
    expect(SECRET).toHaveLength(32);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET });
    expect(config.jwtSecret).toBe(SECRET);
    expect(config.jwtSecretGenerated).toBe(false);
  });

  it.each([
    ['true', true],
    ['false', false],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it('treats an empty METRICS_TOKEN as no token', () => {
    expect(loadConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: '   ' }).metricsToken).toBeUndefined();
  });

  it.each(['0', '65535'])('accepts PORT=%s at the edge of the range', (port) => {
    expect(loadConfig({ PORT: port }).port).toBe(Number(port));
  });

  it('accepts any NODE_ENV it knows', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).nodeEnv).toBe('test');
    expect(loadConfig({ NODE_ENV: 'development' }).nodeEnv).toBe('development');
  });
});

describe('loadConfig failures name the variable', () => {
  it('requires JWT_SECRET in production', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.name).toBe('ConfigError');
    expect(error.variable).toBe('JWT_SECRET');
    expect(error.message).toBe('Invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  });

  it('does not accept a blank JWT_SECRET in production', () => {
    expect(configError({ NODE_ENV: 'production', JWT_SECRET: '  ' }).variable).toBe('JWT_SECRET');
  });

  it.each(['development', 'production'])('refuses a short JWT_SECRET (NODE_ENV=%s)', (nodeEnv) => {
    const error = configError({ NODE_ENV: nodeEnv, JWT_SECRET: SECRET.slice(0, 31) });
    expect(error.variable).toBe('JWT_SECRET');
    expect(error.message).toBe('Invalid configuration: JWT_SECRET must be at least 32 characters');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', 'must be an integer (got "abc")'],
    [{ PORT: '70000' }, 'PORT', 'must be between 0 and 65535 (got 70000)'],
    [{ PORT: '-1' }, 'PORT', 'must be an integer (got "-1")'],
    [{ PORT: '80.5' }, 'PORT', 'must be an integer (got "80.5")'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'must use postgres: or postgresql: (got "mysql:")'],
    [{ DATABASE_URL: 'localhost:5432' }, 'DATABASE_URL', 'must use postgres: or postgresql: (got "localhost:")'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL', 'must be a URL (got "not a url")'],
    [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL', 'must use redis: or rediss: (got "http:")'],
    [{ QUEUE_PREFIX: 'yizhi' }, 'QUEUE_PREFIX', 'must start with a Redis Cluster hash tag such as {yizhi} (got "yizhi")'],
    [{ QUEUE_PREFIX: '{}' }, 'QUEUE_PREFIX', 'must start with a Redis Cluster hash tag such as {yizhi} (got "{}")'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', 'must be one of development, production, test (got "staging")'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY', 'must be one of true, false (got "yes")'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', 'must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")'],
    [{ ACCESS_TOKEN_TTL: '59' }, 'ACCESS_TOKEN_TTL', 'must be between 60 and 86400 (got 59)'],
    [{ REFRESH_TOKEN_TTL: '31536001' }, 'REFRESH_TOKEN_TTL', 'must be between 3600 and 31536000 (got 31536001)'],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD', 'must be at least 10 characters'],
  ])('%j fails on %s', (env, variable, problem) => {
    const error = configError(env);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(`Invalid configuration: ${variable} ${problem}`);
  });
});

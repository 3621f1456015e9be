import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { dropTestDatabase, ensureDatabase, TrigramUnsupportedError } from '#yizhi/core';
import { migrate, pendingSchemaChanges, schemaDrift } from '#yizhi/database';

/** A URL on the test server for a throwaway database (its name contains "test", so it may be dropped). */
function scratchUrl(label: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/yizhi_${label}_test_${randomUUID().slice(0, 8)}`;
  return url.toString();
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('database creation and start-up checks', () => {
  it('creates a missing database with C.UTF-8, so that pg_trgm indexes Chinese', async () => {
    const url = scratchUrl('create');
    try {
      expect(await ensureDatabase(url)).toBe(true);
      expect(await ensureDatabase(url)).toBe(false);
      const [settings] = await query<{ ctype: string; collate: string }>(
        url,
        `SELECT current_setting('lc_ctype') AS ctype, current_setting('lc_collate') AS collate`,
      );
      expect(settings).toEqual({ ctype: 'C.UTF-8', collate: 'C.UTF-8' });
      await migrate(url);
      const [trigrams] = await query<{ t: string[] }>(url, `SELECT show_trgm('中文') AS t`);
      expect(trigrams.t.length).toBeGreaterThan(0);
    } finally {
      await dropTestDatabase(url);
    }
  });

  it('refuses a database whose LC_CTYPE is C, where show_trgm(中文) is empty', async () => {
    const url = scratchUrl('ctype_c');
    const name = new URL(url).pathname.slice(1);
    await query(process.env.DATABASE_URL!, `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    try {
      const error = await migrate(url).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TrigramUnsupportedError);
      expect((error as Error).message).toContain(`show_trgm('中文') is empty`);
      expect((error as Error).message).toContain('LC_CTYPE=C');
    } finally {
      await dropTestDatabase(url);
    }
  });

  it('refuses to drop a database whose name lacks "test"', async () => {
    await expect(dropTestDatabase('postgres://postgres@127.0.0.1:5432/yizhi')).rejects.toThrow(
      'only databases named *test* may be dropped',
    );
  });

  it('finds no drift between the entities and the migrations', async () => {
    const drift = await schemaDrift(process.env.DATABASE_URL!);
    expect(drift.up).toEqual([]);
  });

  it('reports drift when the schema lacks what an entity declares', async () => {
    const url = scratchUrl('drift');
    try {
      await migrate(url);
      await query(url, 'DROP INDEX base_name_key');
      const drift = await pendingSchemaChanges(url);
      expect(drift.up).toEqual([expect.stringContaining('CREATE UNIQUE INDEX "base_name_key"')]);
    } finally {
      await dropTestDatabase(url);
    }
  });
});

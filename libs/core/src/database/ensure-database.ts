import pg from 'pg';

const LOCALE = 'C.UTF-8';

function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL names no database: ${databaseUrl}`);
  return name;
}

function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates the database named in `databaseUrl` when it is missing, from template0 with a
 * C.UTF-8 ctype/collation: under plain `C`, pg_trgm extracts no trigrams from Chinese text.
 * Returns true when it created the database.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  const client = new pg.Client({ connectionString: maintenanceUrl(databaseUrl) });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(
        `CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE '${LOCALE}' LC_CTYPE '${LOCALE}'`,
      );
    } catch (error) {
      // Another process created it between our check and our CREATE.
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }
    return true;
  } finally {
    await client.end();
  }
}

/** Drops a database, refusing any whose name lacks "test" so that a slip cannot drop real data. */
export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  if (!name.includes('test')) throw new Error(`Refusing to drop "${name}": only databases named *test* may be dropped`);
  const client = new pg.Client({ connectionString: maintenanceUrl(databaseUrl) });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export class TrigramUnsupportedError extends Error {
  constructor(ctype: string) {
    super(
      `pg_trgm extracts no trigrams from Chinese in this database (LC_CTYPE=${ctype}): show_trgm('中文') is empty. ` +
        `Recreate the database from template0 with LC_CTYPE and LC_COLLATE '${LOCALE}'.`,
    );
    this.name = 'TrigramUnsupportedError';
  }
}

interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Start-up check: Chinese search needs pg_trgm to see CJK characters as word characters. */
export async function assertTrigramSupport(db: Queryable): Promise<void> {
  const installed = (await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`)) as unknown[];
  if (!installed.length) throw new Error('The pg_trgm extension is not installed: run `npm run migration:run`');
  const rows = (await db.query(`SELECT cardinality(show_trgm('中文')) AS trigrams, current_setting('lc_ctype') AS ctype`)) as {
    trigrams: number;
    ctype: string;
  }[];
  if (!rows[0] || Number(rows[0].trigrams) === 0) throw new TrigramUnsupportedError(rows[0]?.ctype ?? 'unknown');
}

/**
 * The database of the speed half of `npm run bench:matching`: yizhi_bench_matching_speed, migrated
 * and seeded by the built CLIs, then loaded with
 *
 * - 100,000 published, valid listings of the search benchmark's generator (bench/search-corpus.ts,
 *   same seed, same rows), inserted as bench/search-data.ts inserts them (search vectors included);
 * - a few hundred published needs: generated ones (bench/matching-corpus.ts) and the 40 of the
 *   evaluation set;
 * - the match profiles of all of them, built with the application's own analyser (`termVector` of
 *   #yizhi/matching, with the texts MatchingService gives it), inserted in bulk, and the document
 *   frequencies counted from them in one statement.
 *
 * Every run checks, on a sample, that these rows are what the application itself writes: the
 * stored profile equals listingVector/needVector of the entity loaded through TypeORM, and
 * MatchingRepository.saveProfile, run in a transaction that is rolled back, removes and re-adds
 * each sampled profile with the same rows and moves the document frequencies by exactly the
 * sample's own counts. It also checks that match_term_df equals a recount from the profiles.
 *
 * A marker row in bench_meta lets the next run reuse the data while the generators, the seed text,
 * the sizes and the analyser (the sample check) still match and every listing is still valid.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DataSource, In } from 'typeorm';
import { CatalogStatus, Listing, Need, toTsvectorLiteral } from '#yizhi/catalog';
import { platformDate } from '#yizhi/core';
import { dataSourceOptions } from '#yizhi/database';
import { listingVector, MatchingRepository, needVector, termVector, type TermVector } from '#yizhi/matching';
import { NEED_CORPUS_SEED, NEED_CORPUS_VERSION, NeedCorpus, type NeedRow } from './matching-corpus.js';
import type { EvalSet } from './matching-eval.js';
import { runNode } from './processes.js';
import { CORPUS_SEED, CORPUS_VERSION, SearchCorpus, seedPhrases } from './search-corpus.js';
import { dropDatabase, insertStatement, PARAMS_PER_ROW, rowParams } from './search-data.js';

export interface SpeedCorpusOptions {
  databaseUrl: string;
  /** Environment of the migrate and seed CLIs (DATABASE_URL included). */
  env: NodeJS.ProcessEnv;
  root: string;
  seedDir: string;
  set: EvalSet;
  listings: number;
  /** Generated needs (the evaluation set's needs come on top). */
  needs: number;
  organizations: number;
  enterprises: number;
  force: boolean;
  batchSize: number;
  /** Items whose profiles are checked against the application's code on every run. */
  sample: number;
}

interface Marker {
  version: string;
  seedText: string;
  evalSet: string;
  listings: number;
  needs: number;
  generatedAt: string;
  generationSeconds: number;
  /** The generated needs' ids, then the evaluation set's, in order. */
  generatedNeedIds: string[];
  evalNeedIds: string[];
}

export interface SpeedCorpusReport {
  reused: boolean;
  rebuildReason: string | null;
  listings: number;
  needs: { generated: number; evalSet: number };
  generatedNeedIds: string[];
  evalNeedIds: string[];
  generatedAt: string;
  generationSeconds: number;
  steps: Record<string, number> | null;
  profiles: { listing: ProfileStats; need: ProfileStats };
  sizesMb: Record<string, number>;
  check: ProfileCheck;
}

export interface ProfileStats {
  profiles: number;
  averageTerms: number;
  averageLength: number;
  distinctTerms: number;
}

export interface ProfileCheck {
  sampled: number;
  /** Stored profiles that differ from listingVector/needVector of the loaded entity. */
  analyserMismatches: number;
  /** Sampled profiles whose rows differ after saveProfile removed and re-added them. */
  saveProfileMismatches: number;
  /** Terms whose document frequency did not move by exactly the sample's count. */
  dfMismatches: number;
  /** Rows of match_term_df that differ from a recount over match_profile. */
  dfRecountMismatches: number;
  passed: boolean;
}

const MARKER_KEY = 'matching-corpus';
const VERSION = `listings ${CORPUS_VERSION}/${CORPUS_SEED}, needs ${NEED_CORPUS_VERSION}/${NEED_CORPUS_SEED}`;

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** Why the stored corpus cannot be reused (before the sample check), or null. */
async function staleReason(client: pg.Client, options: SpeedCorpusOptions, seedText: string, evalSet: string): Promise<string | null> {
  let marker: Marker;
  try {
    const { rows } = await client.query<{ value: Marker }>('SELECT value FROM bench_meta WHERE key = $1', [MARKER_KEY]);
    if (!rows.length) return 'no marker';
    marker = rows[0].value;
  } catch (error) {
    if (errorCode(error) === '42P01') return 'no marker table';
    throw error;
  }
  if (marker.version !== VERSION) return `generated by ${marker.version}`;
  if (marker.seedText !== seedText) return 'generated from another seed text';
  if (marker.evalSet !== evalSet) return 'the evaluation set changed';
  if (marker.listings !== options.listings || marker.needs !== options.needs)
    return `it holds ${marker.listings} listings and ${marker.needs} generated needs`;
  const today = platformDate();
  const { rows } = await client.query<{ total: number; valid: number; profiles: number }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'published' AND valid_until >= CAST($1 AS date))::int AS valid,
            (SELECT count(*)::int FROM match_profile WHERE kind = 'listing') AS profiles
       FROM listing`,
    [today],
  );
  if (rows[0].total !== options.listings || rows[0].valid !== options.listings)
    return `${rows[0].valid} of ${rows[0].total} listings are published and valid`;
  if (rows[0].profiles !== options.listings) return `${rows[0].profiles} listing profiles`;
  return null;
}

/** termVector's map as the parallel arrays saveProfile stores. */
function profileRow(vector: TermVector): { terms: string[]; tfs: number[]; length: number } {
  const terms = [...vector.keys()];
  return { terms, tfs: terms.map((t) => vector.get(t)!), length: terms.reduce((sum, t) => sum + vector.get(t)!, 0) };
}

const PROFILE_INSERT = `INSERT INTO match_profile (kind, item_id, terms, tfs, length)
  SELECT $1, u.id, u.terms::text[], u.tfs::integer[], u.length
    FROM unnest($2::uuid[], $3::text[], $4::text[], $5::integer[]) AS u(id, terms, tfs, length)`;

/** Array literals for the text[] parameters of PROFILE_INSERT (one literal per row). */
const arrayLiteral = (values: readonly (string | number)[]) =>
  `{${values.map((v) => (typeof v === 'number' ? String(v) : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;

async function insertProfiles(client: pg.Client, kind: 'listing' | 'need', rows: { id: string; vector: TermVector }[]): Promise<void> {
  const ids: string[] = [];
  const terms: string[] = [];
  const tfs: string[] = [];
  const lengths: number[] = [];
  for (const row of rows) {
    if (!row.vector.size) continue; // saveProfile stores no profile for an empty vector
    const profile = profileRow(row.vector);
    ids.push(row.id);
    terms.push(arrayLiteral(profile.terms));
    tfs.push(arrayLiteral(profile.tfs));
    lengths.push(profile.length);
  }
  if (ids.length) await client.query(PROFILE_INSERT, [kind, ids, terms, tfs, lengths]);
}

const NEED_COLUMNS =
  'id, owner_organization_id, title, field, keywords, status, contact, region, published_at, search_vector, title_vector, ' +
  'created_at, updated_at, description, budget_min, budget_max, maturity_min, deadline';

async function insertNeed(client: pg.Client, need: NeedRow): Promise<void> {
  // The search vector as CatalogWorkflow.index builds it for a need: title (A), keywords (B), description (C).
  const vector = toTsvectorLiteral([
    { text: need.title, weight: 'A' },
    { text: need.keywords.join('、'), weight: 'B' },
    { text: need.description, weight: 'C' },
  ]);
  await client.query(
    `INSERT INTO need (${NEED_COLUMNS}) VALUES ($1, $2, $3, $4, $5, 'published', $6, $7, $8, $9::tsvector, ts_filter($9::tsvector, '{a,b}'),
       $10, $8, $11, $12, $13, $14, $15)`,
    [
      need.id,
      need.ownerOrganizationId,
      need.title,
      need.field,
      need.keywords,
      need.contact,
      need.region,
      need.publishedAt,
      vector,
      need.createdAt,
      need.description,
      need.budgetMinFen,
      need.budgetMaxFen,
      need.maturityMin,
      need.deadline,
    ],
  );
}

async function generate(
  options: SpeedCorpusOptions,
  markerBase: Pick<Marker, 'seedText' | 'evalSet'>,
  log: (line: string) => void,
): Promise<{ marker: Marker; steps: Record<string, number> }> {
  const started = performance.now();
  const steps: Record<string, number> = {};
  let last = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    steps[name] = Math.round(now - last) / 1000;
    last = now;
  };
  const now = new Date();
  const listings = new SearchCorpus(options.seedDir, options.organizations, now);
  const needs = new NeedCorpus(options.enterprises, now);
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'yizhi-bench-matching' });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query('SET synchronous_commit = off');
    // Secondary indexes of the loaded tables: cheaper to build once than to maintain row by row.
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename IN ('listing', 'match_profile')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    );
    for (const index of indexes) await client.query(`DROP INDEX "public"."${index.name}"`);

    const organizations = [
      ...listings.organizations.map((org) => ({ ...org, kind: 'institute' })),
      ...needs.enterprises.map((org) => ({ ...org, kind: 'enterprise' })),
    ];
    const orgParams: unknown[] = [];
    const orgValues = organizations.map((org, i) => {
      orgParams.push(org.id, org.name, org.kind, org.creditCode, org.region);
      const n = i * 5;
      return `($${n + 1}::uuid, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, 'verified', now())`;
    });
    await client.query(
      `INSERT INTO organization (id, name, kind, credit_code, region, status, verified_at) VALUES ${orgValues.join(', ')}`,
      orgParams,
    );
    lap('organizations');

    const fullStatement = insertStatement(options.batchSize);
    let pending: Promise<unknown> | null = null;
    let inserted = 0;
    let analyserSeconds = 0;
    while (inserted < options.listings) {
      const count = Math.min(options.batchSize, options.listings - inserted);
      const params: unknown[] = [];
      const profiles: { id: string; vector: TermVector }[] = [];
      for (let i = 0; i < count; i++) {
        const row = listings.listing();
        rowParams(row, params);
        const t0 = performance.now();
        // The texts MatchingService gives the analyser for a listing (listingVector).
        profiles.push({ id: row.id, vector: termVector({ title: row.title, keywords: row.keywords, body: row.summary }) });
        analyserSeconds += (performance.now() - t0) / 1000;
      }
      if (params.length !== count * PARAMS_PER_ROW) throw new Error('parameter count mismatch');
      if (pending) await pending;
      pending = client
        .query(count === options.batchSize ? fullStatement : insertStatement(count), params)
        .then(() => insertProfiles(client, 'listing', profiles));
      inserted += count;
      if (inserted % 20_000 === 0 || inserted === options.listings)
        log(`[bench:matching] ${inserted.toLocaleString('en')} listings generated`);
    }
    if (pending) await pending;
    steps['term analysis of the listings (JS, overlapped)'] = Math.round(analyserSeconds * 1000) / 1000;
    lap('generate + insert listings and their profiles');

    const generated = Array.from({ length: options.needs }, () => needs.need());
    const fromSet = options.set.needs.map((need, i) => needs.evalNeed(need, i));
    for (const need of [...generated, ...fromSet]) await insertNeed(client, need);
    await insertProfiles(
      client,
      'need',
      [...generated, ...fromSet].map((need) => ({
        id: need.id,
        vector: termVector({ title: need.title, keywords: need.keywords, body: need.description }),
      })),
    );
    lap('needs and their profiles');

    // BM25's document frequencies (in how many profiles of a kind each term appears) and corpus size, as saveProfile keeps them.
    await client.query(
      `INSERT INTO match_term_df (kind, term, df)
       SELECT p.kind, t.term, count(*) FROM match_profile p CROSS JOIN LATERAL unnest(p.terms) AS t(term) GROUP BY p.kind, t.term`,
    );
    await client.query(
      `INSERT INTO match_corpus AS c (kind, documents, total_length)
       SELECT kind, count(*), sum(length) FROM match_profile GROUP BY kind
       ON CONFLICT (kind) DO UPDATE SET documents = EXCLUDED.documents, total_length = EXCLUDED.total_length`,
    );
    lap('document frequencies');
    for (const index of indexes) {
      const t0 = performance.now();
      await client.query(index.definition);
      log(`[bench:matching] index ${index.name} rebuilt in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    lap('rebuild indexes');
    for (const table of ['listing', 'need', 'organization', 'match_profile', 'match_term_df'])
      await client.query(`VACUUM (ANALYZE) ${table}`);
    lap('vacuum analyze');

    const marker: Marker = {
      version: VERSION,
      ...markerBase,
      listings: options.listings,
      needs: options.needs,
      generatedAt: now.toISOString(),
      generationSeconds: Math.round((performance.now() - started) / 100) / 10,
      generatedNeedIds: generated.map((n) => n.id),
      evalNeedIds: fromSet.map((n) => n.id),
    };
    await client.query(
      'CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL, written_at timestamptz NOT NULL DEFAULT now())',
    );
    await client.query(
      'INSERT INTO bench_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, written_at = now()',
      [MARKER_KEY, marker],
    );
    return { marker, steps };
  } finally {
    await client.end();
  }
}

interface StoredProfile {
  kind: string;
  item_id: string;
  terms: string[];
  tfs: number[];
  length: number;
}

const sameProfile = (row: StoredProfile | undefined, vector: TermVector) => {
  if (!row) return vector.size === 0;
  const expected = profileRow(vector);
  return (
    row.terms.join('\u0001') === expected.terms.join('\u0001') &&
    row.tfs.join() === expected.tfs.join() &&
    Math.fround(expected.length) === row.length
  );
};

/**
 * The sample check (see the module comment). Listings are sampled evenly over the id order, needs
 * are all checked against the analyser and a few go through saveProfile.
 */
export async function checkProfiles(databaseUrl: string, sample: number): Promise<ProfileCheck> {
  const dataSource = new DataSource(dataSourceOptions({ databaseUrl }, { applicationName: 'yizhi-bench-matching', poolSize: 2 }));
  await dataSource.initialize();
  try {
    const ids = (await dataSource.query(
      `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total FROM listing) s
        WHERE n % greatest(1, total / $1) = 0 LIMIT $1`,
      [sample],
    )) as { id: string }[];
    const listings = await dataSource.getRepository(Listing).findBy({ id: In(ids.map((r) => r.id)) });
    const needs = await dataSource.getRepository(Need).findBy({ status: CatalogStatus.Published });
    const items = [
      ...listings.map((l) => ({ kind: 'listing' as const, id: l.id, vector: listingVector(l) })),
      ...needs.map((n) => ({ kind: 'need' as const, id: n.id, vector: needVector(n) })),
    ];
    const stored = new Map(
      (
        (await dataSource.query('SELECT kind, item_id, terms, tfs, length FROM match_profile WHERE item_id = ANY($1)', [
          items.map((i) => i.id),
        ])) as StoredProfile[]
      ).map((row) => [`${row.kind}:${row.item_id}`, row]),
    );
    const analyserMismatches = items.filter((item) => !sameProfile(stored.get(`${item.kind}:${item.id}`), item.vector)).length;

    // saveProfile, rolled back: remove the sampled profiles (df must fall by the sample's own counts), then re-add them.
    const through = [...items.filter((i) => i.kind === 'listing'), ...items.filter((i) => i.kind === 'need').slice(0, 20)];
    const repository = new MatchingRepository(dataSource);
    let saveProfileMismatches = 0;
    let dfMismatches = 0;
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const manager = runner.manager;
      const counts = new Map<string, number>();
      for (const item of through)
        for (const term of item.vector.keys()) counts.set(`${item.kind}\u0001${term}`, (counts.get(`${item.kind}\u0001${term}`) ?? 0) + 1);
      const dfOf = async () =>
        new Map(
          (
            (await manager.query('SELECT kind, term, df FROM match_term_df WHERE term = ANY($1)', [
              [...new Set([...counts.keys()].map((k) => k.split('\u0001')[1]))],
            ])) as { kind: string; term: string; df: number }[]
          ).map((r) => [`${r.kind}\u0001${r.term}`, r.df]),
        );
      const before = await dfOf();
      for (const item of through) await repository.saveProfile(manager, item.kind, item.id, null);
      const removed = await dfOf();
      for (const [key, count] of counts) if ((removed.get(key) ?? 0) !== (before.get(key) ?? 0) - count) dfMismatches++;
      for (const item of through) await repository.saveProfile(manager, item.kind, item.id, item.vector);
      const after = await dfOf();
      for (const [key, df] of before) if (after.get(key) !== df) dfMismatches++;
      const saved = new Map(
        (
          (await manager.query('SELECT kind, item_id, terms, tfs, length FROM match_profile WHERE item_id = ANY($1)', [
            through.map((i) => i.id),
          ])) as StoredProfile[]
        ).map((row) => [`${row.kind}:${row.item_id}`, row]),
      );
      for (const item of through) {
        const bulk = stored.get(`${item.kind}:${item.id}`);
        const app = saved.get(`${item.kind}:${item.id}`);
        if (
          !bulk ||
          !app ||
          bulk.terms.join('\u0001') !== app.terms.join('\u0001') ||
          bulk.tfs.join() !== app.tfs.join() ||
          bulk.length !== app.length
        )
          saveProfileMismatches++;
      }
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }

    // The rolled-back rows are dead tuples: clear them, so that repeated runs do not bloat the tables they measure.
    await dataSource.query('VACUUM (ANALYZE) match_profile, match_term_df');
    const [{ n: dfRecountMismatches }] = (await dataSource.query(
      `SELECT count(*)::int AS n FROM (
         (SELECT kind, term, df FROM match_term_df WHERE df <> 0
          EXCEPT SELECT p.kind, t.term, count(*)::int FROM match_profile p CROSS JOIN LATERAL unnest(p.terms) AS t(term) GROUP BY 1, 2)
         UNION ALL
         (SELECT p.kind, t.term, count(*)::int FROM match_profile p CROSS JOIN LATERAL unnest(p.terms) AS t(term) GROUP BY 1, 2
          EXCEPT SELECT kind, term, df FROM match_term_df)) d`,
    )) as { n: number }[];
    return {
      sampled: items.length,
      analyserMismatches,
      saveProfileMismatches,
      dfMismatches,
      dfRecountMismatches,
      passed: analyserMismatches === 0 && saveProfileMismatches === 0 && dfMismatches === 0 && dfRecountMismatches === 0,
    };
  } finally {
    await dataSource.destroy();
  }
}

async function describe(client: pg.Client): Promise<Pick<SpeedCorpusReport, 'profiles' | 'sizesMb'>> {
  const { rows } = await client.query<{ kind: 'listing' | 'need'; profiles: number; terms: number; length: number; distinct: number }>(
    `SELECT p.kind, count(*)::int AS profiles, avg(cardinality(p.terms))::float8 AS terms, avg(p.length)::float8 AS length,
            (SELECT count(*)::int FROM match_term_df d WHERE d.kind = p.kind AND d.df > 0) AS distinct
       FROM match_profile p GROUP BY p.kind`,
  );
  const one = (v: number) => Math.round(v * 10) / 10;
  const stats = (kind: 'listing' | 'need'): ProfileStats => {
    const row = rows.find((r) => r.kind === kind);
    return row
      ? { profiles: row.profiles, averageTerms: one(row.terms), averageLength: one(row.length), distinctTerms: row.distinct }
      : { profiles: 0, averageTerms: 0, averageLength: 0, distinctTerms: 0 };
  };
  const { rows: sizes } = await client.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c
      WHERE c.relname IN ('listing', 'need', 'match_profile', 'match_term_df', 'match_profile_terms_idx', 'match_profile_pkey')`,
  );
  return {
    profiles: { listing: stats('listing'), need: stats('need') },
    sizesMb: Object.fromEntries(sizes.map((s) => [s.name, Math.round(Number(s.bytes) / 2 ** 20)])),
  };
}

/** Makes sure the database holds the expected corpus (building it when it does not) and checks its profiles. */
export async function ensureSpeedCorpus(options: SpeedCorpusOptions, log: (line: string) => void): Promise<SpeedCorpusReport> {
  const seedText = digest(seedPhrases(options.seedDir).join('\n'));
  const evalSet = digest(JSON.stringify(options.set.needs));
  let reason: string | null = options.force ? 'BENCH_MATCHING_REBUILD=1' : null;
  if (!reason) {
    const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'yizhi-bench-matching' });
    try {
      await client.connect();
      try {
        reason = await staleReason(client, options, seedText, evalSet);
      } finally {
        await client.end();
      }
    } catch (error) {
      if (errorCode(error) !== '3D000') throw error;
      reason = 'the database does not exist';
    }
  }
  // A stored corpus whose profiles the current analyser would write differently is stale too.
  let check: ProfileCheck | null = null;
  if (!reason) {
    await runNode('dist/apps/api/src/cli/migrate.js', options.env, options.root);
    check = await checkProfiles(options.databaseUrl, options.sample);
    if (!check.passed) reason = `the stored profiles are not what the application writes now (${JSON.stringify(check)})`;
  }
  let built: Awaited<ReturnType<typeof generate>> | null = null;
  if (reason) {
    log(
      `[bench:matching] building the speed corpus (${reason}): dropping and recreating ${new URL(options.databaseUrl).pathname.slice(1)}`,
    );
    await dropDatabase(options.databaseUrl);
    await runNode('dist/apps/api/src/cli/migrate.js', options.env, options.root);
    await runNode('dist/apps/api/src/cli/seed.js', options.env, options.root);
    built = await generate(options, { seedText, evalSet }, log);
    log(`[bench:matching] speed corpus built in ${built.marker.generationSeconds} s (${JSON.stringify(built.steps)})`);
    check = await checkProfiles(options.databaseUrl, options.sample);
    if (!check.passed) throw new Error(`the bulk-built profiles differ from what the application writes: ${JSON.stringify(check)}`);
  } else {
    log('[bench:matching] reusing the stored speed corpus');
  }
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'yizhi-bench-matching' });
  await client.connect();
  try {
    const marker = (await client.query<{ value: Marker }>('SELECT value FROM bench_meta WHERE key = $1', [MARKER_KEY])).rows[0].value;
    return {
      reused: reason === null,
      rebuildReason: reason,
      listings: marker.listings,
      needs: { generated: marker.generatedNeedIds.length, evalSet: marker.evalNeedIds.length },
      generatedNeedIds: marker.generatedNeedIds,
      evalNeedIds: marker.evalNeedIds,
      generatedAt: marker.generatedAt,
      generationSeconds: marker.generationSeconds,
      steps: built?.steps ?? null,
      ...(await describe(client)),
      check: check!,
    };
  } finally {
    await client.end();
  }
}

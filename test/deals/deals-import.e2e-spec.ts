/**
 * POST /deals/import and GET /deals/export through HTTP: spreadsheets as base operators keep them
 * (CSV in UTF-8, UTF-8 with BOM or GBK, XLSX; Chinese or English headers; values as people type
 * them), every row checked as POST /deals checks it, all or nothing unless mode=partial, parties
 * matched or added by credit code, idempotent retries; the export in the import's own columns.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Response } from 'supertest';
import { auditTrail, expectInvalid } from '../catalog/helpers.js';
import { auth } from '../leads/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { loginAdmin, sql, validCreditCode, type Session } from '../support/factories.js';
import { IMPORT_MAX_BYTES } from '#yizhi/deals';
import { API, dealWorld, expectOk, registrationNo, type DealWorld } from './helpers.js';

const CHINESE = [
  '合同名称',
  '合同类型',
  '合同成交额(元)',
  '技术交易额(元)',
  '签订日期',
  '卖方',
  '卖方统一社会信用代码',
  '买方',
  '买方统一社会信用代码',
  '登记编号',
  '技术领域',
];
const ENGLISH = [
  'title',
  'category',
  'contractAmount',
  'techTransactionAmount',
  'signedAt',
  'seller',
  'sellerCreditCode',
  'buyer',
  'buyerCreditCode',
  'registrationNo',
  'field',
];

const csv = (rows: string[][]) =>
  rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');

describe('deal import and export', () => {
  let t: TestApp;
  let admin: Session;
  let world: DealWorld;
  let sellerCode: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    world = await dealWorld(t, admin);
    [{ credit_code: sellerCode }] = await sql<{ credit_code: string }>('SELECT credit_code FROM organization WHERE id = $1', [
      world.seller.organizationId,
    ]);
  });
  afterAll(() => t.close());

  const upload = (
    session: Session | undefined,
    file: Buffer,
    name = 'deals.csv',
    fields: Record<string, string> = {},
    query: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) => {
    let req = t.http().post(`${API}/deals/import`).query(query).set(auth(session)).set(headers);
    for (const [key, value] of Object.entries(fields)) req = req.field(key, value);
    return req.attach('file', file, name);
  };
  /** GET /deals/<path> with the body as bytes (errors, which are JSON, parsed). */
  const download = (session: Session | undefined, path: string, query: Record<string, string>) =>
    t
      .http()
      .get(`${API}/deals/${path}`)
      .query(query)
      .set(auth(session))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          done(null, String(res.headers['content-type']).includes('application/json') ? JSON.parse(body.toString('utf8')) : body);
        });
      });
  const dealsOfBase = async (baseId = world.baseId) =>
    (await sql<{ n: number }>('SELECT count(*)::int AS n FROM deal WHERE base_id = $1', [baseId]))[0].n;
  const organizationsWith = async (codes: string[]) =>
    (await sql<{ n: number }>('SELECT count(*)::int AS n FROM organization WHERE credit_code = ANY($1)', [codes]))[0].n;

  /** A row as people type it: the seller on the platform, a buyer that is not (yet). */
  const row = (overrides: Partial<Record<(typeof ENGLISH)[number], string>> = {}, buyerCode = validCreditCode()) => {
    const values: Record<string, string> = {
      title: '石墨烯导热膜量产工艺许可',
      category: '技术许可',
      contractAmount: '1,500,000.00',
      techTransactionAmount: '1200000',
      signedAt: '2026/5/1',
      seller: '重庆某材料研究院',
      sellerCreditCode: sellerCode,
      buyer: '重庆某电子科技有限公司',
      buyerCreditCode: buyerCode,
      registrationNo: registrationNo(),
      field: '新材料',
      ...overrides,
    };
    return ENGLISH.map((column) => values[column]);
  };

  describe('import', () => {
    it('reads a UTF-8 CSV with Chinese headers and values as people type them; matches the seller and adds the new buyer as pending', async () => {
      const buyerCode = validCreditCode();
      const file = Buffer.from(
        csv([
          CHINESE,
          row({ signedAt: '2026年5月1日', category: '技术开发', techTransactionAmount: '1,000,000' }, buyerCode),
          row({ signedAt: '2026-05-02', category: 'licence', field: 'materials' }, buyerCode),
          row({ signedAt: '2026/5/3', contractAmount: '２００００００', techTransactionAmount: '800000.5', registrationNo: '' }, buyerCode),
        ]),
      );
      const before = await dealsOfBase();
      const res = await expectOk(upload(world.operator, file), 201);
      expect(res.body).toMatchObject({ accepted: 3, rejected: [] });
      expect(await dealsOfBase()).toBe(before + 3);
      const stored = await sql<{
        category: string;
        contract_amount: string;
        tech_transaction_amount: string;
        signed_at: string;
        field: string;
        seller: string;
        buyer_status: string;
        registration_no: string | null;
      }>(
        `SELECT d.category, d.contract_amount, d.tech_transaction_amount, to_char(d.signed_at, 'YYYY-MM-DD') AS signed_at, d.field,
                d.seller_organization_id AS seller, b.status AS buyer_status, d.registration_no
           FROM deal d JOIN organization b ON b.id = d.buyer_organization_id WHERE d.id = ANY($1) ORDER BY d.signed_at`,
        [res.body.dealIds],
      );
      expect(stored.map((d) => [d.category, d.contract_amount, d.tech_transaction_amount, d.signed_at, d.field])).toEqual([
        ['development', '150000000', '100000000', '2026-05-01', 'materials'],
        ['licence', '150000000', '120000000', '2026-05-02', 'materials'],
        ['licence', '200000000', '80000050', '2026-05-03', 'materials'],
      ]);
      expect(new Set(stored.map((d) => d.seller))).toEqual(new Set([world.seller.organizationId]));
      expect(stored.every((d) => d.buyer_status === 'pending')).toBe(true);
      expect(stored[2].registration_no).toBeNull();
      expect(await organizationsWith([buyerCode])).toBe(1);
      // Audited like POST /deals: each deal, and the buyer the import added.
      for (const id of res.body.dealIds) expect((await auditTrail(t, admin, 'deal', id)).map((e) => e.action)[0]).toBe('deal.create');
      const [{ id: buyerId }] = await sql<{ id: string }>('SELECT id FROM organization WHERE credit_code = $1', [buyerCode]);
      expect((await auditTrail(t, admin, 'organization', buyerId)).map((e) => e.action)).toEqual(['organization.create']);
    });

    it('reads UTF-8 with a BOM and English headers, and GBK (as Excel in China saves CSV)', async () => {
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv([ENGLISH, row()]))]);
      expect((await expectOk(upload(world.operator, bom), 201)).body.accepted).toBe(1);
      const buyerCode = validCreditCode();
      const gbk = iconv.encode(csv([CHINESE, row({ buyer: '重庆渝北精密制造有限公司' }, buyerCode)]), 'gbk');
      expect((await expectOk(upload(world.operator, gbk), 201)).body.accepted).toBe(1);
      const [{ name }] = await sql<{ name: string }>('SELECT name FROM organization WHERE credit_code = $1', [buyerCode]);
      expect(name).toBe('重庆渝北精密制造有限公司');
    });

    it('reads XLSX, with number and date cells', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('合同');
      sheet.addRow(CHINESE);
      const cells: (string | number | Date)[] = row();
      cells[2] = 2500000.5;
      cells[3] = 2000000;
      cells[4] = new Date(Date.UTC(2026, 4, 6));
      sheet.addRow(cells);
      const file = Buffer.from(await workbook.xlsx.writeBuffer());
      const res = await expectOk(upload(world.operator, file, 'deals.xlsx'), 201);
      expect(res.body.accepted).toBe(1);
      const [deal] = await sql<{ contract_amount: string; signed_at: string }>(
        "SELECT contract_amount, to_char(signed_at, 'YYYY-MM-DD') AS signed_at FROM deal WHERE id = $1",
        [res.body.dealIds[0]],
      );
      expect(deal).toEqual({ contract_amount: '250000050', signed_at: '2026-05-06' });
    });

    it('refuses the whole file when a row is bad (422 naming rows[N].field), writing nothing', async () => {
      const codes = [validCreditCode(), validCreditCode()];
      const file = Buffer.from(
        csv([
          CHINESE,
          row({}, codes[0]),
          row({ contractAmount: '一百万', category: '技术赠与' }, codes[1]),
          row({ signedAt: '2026-02-30' }),
        ]),
      );
      const before = await dealsOfBase();
      const res = await upload(world.operator, file);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'IMPORT_REJECTED', accepted: 0, dealIds: [] });
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'rows[3].category',
        'rows[3].contractAmount',
        'rows[4].signedAt',
      ]);
      expect(
        res.body.rejected.map((r: { row: number; errors: { field: string }[] }) => [r.row, r.errors.map((e) => e.field).sort()]),
      ).toEqual([
        [3, ['category', 'contractAmount']],
        [4, ['signedAt']],
      ]);
      expect(await dealsOfBase()).toBe(before);
      expect(await organizationsWith(codes)).toBe(0);
    });

    it('with mode=partial, imports the good rows and reports the others, including what only the ledger can check', async () => {
      const taken = registrationNo();
      const file = Buffer.from(
        csv([
          CHINESE,
          row({ registrationNo: taken }),
          row({ techTransactionAmount: '1600000' }),
          row({ registrationNo: taken }),
          row({ sellerCreditCode: '91500000MA5U000000' }),
          row(),
        ]),
      );
      const res = await expectOk(upload(world.operator, file, 'deals.csv', {}, { mode: 'partial' }), 201);
      expect(res.body.accepted).toBe(2);
      expect(res.body.rejected.map((r: { row: number; errors: { field: string }[] }) => [r.row, r.errors.map((e) => e.field)])).toEqual([
        [3, ['techTransactionAmount']],
        [4, ['registrationNo']],
        [5, ['sellerCreditCode']],
      ]);
    });

    it('refuses what is not a deals sheet with 400 naming file, and other requests with the 4xx that names the problem', async () => {
      const before = await dealsOfBase();
      expectInvalid(await upload(world.operator, Buffer.from(csv([CHINESE.slice(0, 5), ['a', 'b', 'c', 'd', 'e']]))), 'file');
      expectInvalid(await upload(world.operator, Buffer.from(csv([CHINESE]))), 'file');
      expectInvalid(await upload(world.operator, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]), 'deals.xlsx'), 'file');
      expectInvalid(await t.http().post(`${API}/deals/import`).set(auth(world.operator)).field('baseId', world.baseId), 'file');
      expectInvalid(await upload(world.operator, Buffer.from(csv([CHINESE, row()])), 'deals.csv', { comment: 'x' }), 'comment');
      expectInvalid(await upload(world.operator, Buffer.from(csv([CHINESE, row()])), 'deals.csv', { baseId: 'nope' }), 'baseId');
      expectInvalid(await upload(admin, Buffer.from(csv([CHINESE, row()]))), 'baseId');
      expectInvalid(await upload(world.operator, Buffer.from(csv([CHINESE, row()])), 'deals.csv', {}, { mode: 'all' }), 'mode');
      expectErrorBody(
        await t.http().post(`${API}/deals/import`).set(auth(world.operator)).send({ file: 'x' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        ['file'],
      );
      expectErrorBody(await upload(world.operator, Buffer.alloc(IMPORT_MAX_BYTES + 1, 0x41)), 413, 'PAYLOAD_TOO_LARGE', ['file']);
      expect(await dealsOfBase()).toBe(before);
    });

    it('refuses another base (403), the parties (403) and anonymous callers (401), writing nothing', async () => {
      const other = await dealWorld(t, admin);
      const file = Buffer.from(csv([CHINESE, row()]));
      const before = [await dealsOfBase(), await dealsOfBase(other.baseId)];
      expectErrorBody(await upload(world.operator, file, 'deals.csv', { baseId: other.baseId }), 403, 'FORBIDDEN');
      for (const party of [world.seller, world.buyer]) expectErrorBody(await upload(party, file), 403, 'FORBIDDEN');
      expectErrorBody(await upload(undefined, file), 401, 'UNAUTHENTICATED');
      expect([await dealsOfBase(), await dealsOfBase(other.baseId)]).toEqual(before);
      expect((await expectOk(upload(admin, file, 'deals.csv', { baseId: other.baseId }), 201)).body.accepted).toBe(1);
    });

    it('replays a retried file with its Idempotency-Key, and refuses the key with another file (409)', async () => {
      const key = { 'idempotency-key': randomUUID() };
      const file = Buffer.from(csv([CHINESE, row(), row()]));
      const before = await dealsOfBase();
      const results: Response[] = await Promise.all([1, 2, 3].map(() => upload(world.operator, file, 'deals.csv', {}, {}, key)));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
      expect(new Set(results.map((r) => JSON.stringify(r.body.dealIds))).size).toBe(1);
      expect(await dealsOfBase()).toBe(before + 2);
      expectErrorBody(
        await upload(world.operator, Buffer.from(csv([CHINESE, row()])), 'deals.csv', {}, {}, key),
        409,
        'IDEMPOTENCY_KEY_REUSED',
        ['Idempotency-Key'],
      );
    });
  });

  describe('template', () => {
    it('gives the headers the import reads, as XLSX (with a sheet of notes) or CSV; operators and admins only', async () => {
      const get = (session: Session | undefined, query: Record<string, string> = {}) => download(session, 'import/template', query);
      const xlsx = await expectOk(get(world.operator));
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
      expect((workbook.worksheets[0].getRow(1).values as string[]).slice(1)).toEqual(CHINESE);
      expect(workbook.worksheets[1].name).toBe('填写说明');
      const csvFile = (await expectOk(get(admin, { format: 'csv' }))).body as Buffer;
      expect(csvFile.subarray(3).toString('utf8').trim()).toBe(CHINESE.join(','));
      expectErrorBody(await get(world.buyer), 403, 'FORBIDDEN');
      expectInvalid(await get(world.operator, { format: 'pdf' }), 'format');
    });
  });

  describe('export', () => {
    const exportOf = (session: Session | undefined, query: Record<string, string>) => download(session, 'export', query);

    it("gives the base's deals as a UTF-8 CSV with a BOM, in the import's columns, that imports again", async () => {
      const source = await dealWorld(t, admin);
      const [{ credit_code: code }] = await sql<{ credit_code: string }>('SELECT credit_code FROM organization WHERE id = $1', [
        source.seller.organizationId,
      ]);
      const file = Buffer.from(
        csv([CHINESE, row({ sellerCreditCode: code, registrationNo: '' }), row({ sellerCreditCode: code, registrationNo: '' })]),
      );
      await expectOk(upload(source.operator, file), 201);
      const res = await expectOk(exportOf(source.operator, { format: 'csv' }));
      expect(res.headers['content-type']).toContain('text/csv');
      const body = res.body as Buffer;
      expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = body.subarray(3).toString('utf8').trim().split('\r\n');
      expect(lines[0].split(',').slice(0, CHINESE.length)).toEqual(CHINESE);
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain('1500000.00');
      const again = await dealWorld(t, admin);
      expect((await expectOk(upload(admin, body, 'export.csv', { baseId: again.baseId }), 201)).body.accepted).toBe(2);
    });

    it('adds the columns 技术合同登记 asks for (party types and region codes from the credit codes), and streams past one batch', async () => {
      const source = await dealWorld(t, admin);
      const seller = validCreditCode('12', '510100');
      const rows = Array.from({ length: 1_203 }, (_, i) =>
        row({
          sellerCreditCode: seller,
          buyerCreditCode: validCreditCode(),
          registrationNo: '',
          signedAt: `2026-0${1 + (i % 5)}-0${1 + (i % 9)}`,
        }),
      );
      expect((await expectOk(upload(source.operator, Buffer.from(csv([CHINESE, ...rows]))), 201)).body.accepted).toBe(1_203);
      const res = await expectOk(exportOf(source.operator, { format: 'csv' }));
      const lines = (res.body as Buffer).subarray(3).toString('utf8').trim().split('\r\n');
      const header = lines[0].split(',');
      expect(header.slice(CHINESE.length, CHINESE.length + 6)).toEqual([
        '合同类型代码',
        '卖方类型',
        '卖方所在地区代码',
        '买方类型',
        '买方所在地区代码',
        '技术领域代码',
      ]);
      const records = lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header[i], cell])));
      expect(records).toHaveLength(1_203);
      expect(new Set(records.map((r) => r['编号'])).size).toBe(1_203);
      expect(records.map((r) => r['签订日期'])).toEqual(records.map((r) => r['签订日期']).sort());
      expect(records[0]).toMatchObject({
        卖方类型: '事业单位法人',
        卖方所在地区代码: '510100',
        买方类型: '企业法人',
        买方所在地区代码: '500000',
      });
      expect(records[0]['合同类型代码']).toMatch(/^(development|transfer|licence|consulting|service)$/);
      expect(records[0]['技术领域代码']).toMatch(/^[a-z-]+$/);
    });

    it('gives XLSX, and refuses another base (403), the parties (403) and a bad format (400)', async () => {
      const res = await expectOk(exportOf(world.operator, { format: 'xlsx' }));
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body as unknown as ArrayBuffer);
      expect(workbook.worksheets[0].getRow(1).getCell(1).value).toBe('合同名称');
      expect(workbook.worksheets[0].rowCount).toBe((await dealsOfBase()) + 1);
      const other = await dealWorld(t, admin);
      expectErrorBody(await exportOf(world.operator, { format: 'csv', baseId: other.baseId }), 403, 'FORBIDDEN');
      for (const party of [world.seller, world.buyer]) expectErrorBody(await exportOf(party, { format: 'csv' }), 403, 'FORBIDDEN');
      expectInvalid(await exportOf(world.operator, { format: 'pdf' }), 'format');
      expectInvalid(await exportOf(world.operator, {}), 'format');
    });
  });
});

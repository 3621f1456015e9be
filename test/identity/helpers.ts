/** Helpers shared by the identity e2e suites (not a suite itself). */
import { createHash } from 'node:crypto';
import { expect } from '@jest/globals';
import type { Redis } from 'ioredis';
import type { Response } from 'supertest';
import { REDIS } from '#yizhi/core';
import type { TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { sql } from '../support/factories.js';

export const BODY_LIMIT = 1024 * 1024;

/** Asserts the API's error shape, exactly: {statusCode, code, message, details[{field, message}]}. */
export function expectError(res: Response, status: number, code: string): void {
  expectErrorBody(res, status, code);
}

/** The fields a 400 names. */
export const fieldsOf = (res: Response): string[] => (res.body.details as { field: string }[]).map((d) => d.field);

/** A 400 VALIDATION_FAILED naming (at least) these fields. */
export function expectValidation(res: Response, ...fields: string[]): void {
  expectError(res, 400, 'VALIDATION_FAILED');
  expect(fieldsOf(res)).toEqual(expect.arrayContaining(fields));
}

/** Posts a raw string as application/json (malformed or padded bodies). */
export function postRaw(t: TestApp, path: string, raw: string, headers: Record<string, string> = {}) {
  return t.http().post(path).set(headers).set('content-type', 'application/json').send(raw);
}

/** A JSON body made larger than the 1 MiB limit with insignificant whitespace: still valid JSON. */
export function padded(body: object, size = BODY_LIMIT + 1024): string {
  const json = JSON.stringify(body);
  return json.slice(0, -1) + ' '.repeat(Math.max(0, size - json.length)) + '}';
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export async function userByEmail(email: string) {
  const [row] = await sql<{
    id: string;
    email: string;
    password_hash: string;
    role: string;
    organization_id: string | null;
    base_id: string | null;
  }>('SELECT id, email, password_hash, role, organization_id, base_id FROM "user" WHERE lower(email) = lower($1)', [email]);
  return row;
}

export async function orgByCreditCode(creditCode: string) {
  const [row] = await sql<{ id: string; status: string; credit_code: string }>(
    'SELECT id, status, credit_code FROM organization WHERE credit_code = $1',
    [creditCode],
  );
  return row;
}

/** The app's own Redis client. */
export const redisOf = (t: TestApp): Redis => t.app.get<Redis>(REDIS);

export const throttleKey = (kind: 'account' | 'ip', value: string) => `${process.env.QUEUE_PREFIX}:login-fail:${kind}:${value}`;

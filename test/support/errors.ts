import { expect } from '@jest/globals';

export interface ErrorBodyView {
  statusCode: number;
  code: string;
  message: string;
  details: { field: string; message: string }[];
}

/**
 * Asserts the error shape of API.md, `{statusCode, code, message, details[]}` and nothing more,
 * and, when `fields` is given, that `details` names exactly those fields (in any order).
 */
export function expectErrorBody(
  res: { status: number; body: unknown },
  status: number,
  code: string,
  fields?: readonly string[],
): ErrorBodyView {
  const body = res.body as ErrorBodyView;
  expect({ status: res.status, code: body?.code }).toEqual({ status, code });
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message', 'statusCode']);
  expect(body.statusCode).toBe(status);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  expect(Array.isArray(body.details)).toBe(true);
  for (const detail of body.details) {
    expect(Object.keys(detail).sort()).toEqual(['field', 'message']);
    expect(typeof detail.field).toBe('string');
    expect(detail.message.length).toBeGreaterThan(0);
  }
  if (fields) expect(body.details.map((d) => d.field).sort()).toEqual([...fields].sort());
  return body;
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists the seeded bases', async () => {
    const res = await t.http().get('/api/v1/bases?limit=100').expect(200);
    expect(res.body.items).toHaveLength(20);
  });
});

import { describe, expect, it } from '@jest/globals';
import { canMoveLead, isOpenLeadStatus, leadStatesAllowing, LeadStatus, OPEN_LEAD_STATUSES } from './lead-status.js';

const S = LeadStatus;

describe('the lead pipeline', () => {
  it.each([
    [S.New, S.Contacted],
    [S.Contacted, S.Negotiating],
    [S.Negotiating, S.Converted],
    [S.New, S.Closed],
    [S.Contacted, S.Closed],
    [S.Negotiating, S.Closed],
  ])('allows %s → %s', (from, to) => {
    expect(canMoveLead(from, to)).toBe(true);
  });

  it('refuses every other move: backwards, skipping a step, staying put, and anything out of a final state', () => {
    const allowed = new Set([
      'new>contacted',
      'contacted>negotiating',
      'negotiating>converted',
      'new>closed',
      'contacted>closed',
      'negotiating>closed',
    ]);
    for (const from of Object.values(S))
      for (const to of Object.values(S))
        expect({ from, to, ok: canMoveLead(from, to) }).toEqual({ from, to, ok: allowed.has(`${from}>${to}`) });
  });

  it('names where a move is allowed from', () => {
    expect(leadStatesAllowing(S.Converted)).toEqual([S.Negotiating]);
    expect(leadStatesAllowing(S.Closed)).toEqual([S.New, S.Contacted, S.Negotiating]);
    expect(leadStatesAllowing(S.New)).toEqual([]);
  });

  it('counts new, contacted and negotiating as open', () => {
    expect(OPEN_LEAD_STATUSES).toEqual([S.New, S.Contacted, S.Negotiating]);
    expect(isOpenLeadStatus(S.Converted)).toBe(false);
    expect(isOpenLeadStatus(S.Closed)).toBe(false);
  });
});

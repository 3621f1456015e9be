/** Where a lead stands in the pipeline (意向对接 → 技术交易). */
export enum LeadStatus {
  New = 'new',
  Contacted = 'contacted',
  Negotiating = 'negotiating',
  Converted = 'converted',
  Closed = 'closed',
}

/** The states a lead ends in; every other state is open (it counts toward an operator's load, and can be overdue). */
export const TERMINAL_LEAD_STATUSES: readonly LeadStatus[] = [LeadStatus.Converted, LeadStatus.Closed];
export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = Object.values(LeadStatus).filter((s) => !TERMINAL_LEAD_STATUSES.includes(s));

export const isOpenLeadStatus = (status: LeadStatus) => !TERMINAL_LEAD_STATUSES.includes(status);

const S = LeadStatus;

/**
 * The pipeline moves forward only: new → contacted → negotiating → converted. A lead can be closed
 * (with a reason) from any open state, since an interest may die before anyone negotiates; only a
 * negotiation converts. Converted and closed are final.
 */
const TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  [S.New]: [S.Contacted, S.Closed],
  [S.Contacted]: [S.Negotiating, S.Closed],
  [S.Negotiating]: [S.Converted, S.Closed],
  [S.Converted]: [],
  [S.Closed]: [],
};

export function canMoveLead(from: LeadStatus, to: LeadStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states a lead may move to `to` from, for error messages. */
export function leadStatesAllowing(to: LeadStatus): LeadStatus[] {
  return Object.values(LeadStatus).filter((from) => canMoveLead(from, to));
}

/** The audit verb of moving a lead to `to` (`lead.contact`, `lead.close`, …). */
export const LEAD_STATUS_VERBS: Record<LeadStatus, string> = {
  [S.New]: 'create',
  [S.Contacted]: 'contact',
  [S.Negotiating]: 'negotiate',
  [S.Converted]: 'convert',
  [S.Closed]: 'close',
};

/** "Is open" in SQL, with the statuses inlined so that the planner matches the partial indexes that use it. */
export function openLeadSql(alias?: string): string {
  return `${alias ? `${alias}.` : ''}status IN (${OPEN_LEAD_STATUSES.map((s) => `'${s}'`).join(', ')})`;
}

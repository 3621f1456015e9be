/**
 * The resources whose changes are audited, by the singular names of API.md. `GET /audit` accepts
 * exactly these, and `AuditService.record` refuses any other, so that every event stays findable.
 */
export const AUDIT_ENTITY_NAMES = [
  'organization',
  'user',
  'base',
  'listing',
  'need',
  'lead',
  'deal',
  'payment',
  'service_record',
  'period',
  'program',
  'anomaly',
] as const;

export type AuditEntityName = (typeof AUDIT_ENTITY_NAMES)[number];

export function isAuditEntityName(name: string): name is AuditEntityName {
  return (AUDIT_ENTITY_NAMES as readonly string[]).includes(name);
}

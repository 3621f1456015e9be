/** The deals ledger (技术交易): deals recorded at bases, their status, verification and payments. */
export * from './deal-status.js';
export * from './deal.entity.js';
export * from './deal.exception.js';
export * from './deal-access.js';
export * from './dto/deal.view.js';
export * from './deals.service.js';
export * from './periods/period.entity.js';
export * from './periods/periods.service.js';
export * from './service-records/service-record.entity.js';
export * from './anomalies/anomaly.entity.js';
export * from './anomalies/anomaly-rules.js';
export * from './anomalies/anomalies.service.js';
export * from './import/multipart-form.js';
export { IMPORT_MAX_ROWS } from './import/deal-import.service.js';
export * from './deals.module.js';

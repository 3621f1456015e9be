/** The volume rollups: exact totals per base and month derived from the deals ledger, recomputed by jobs, rebuilt and reconciled nightly. */
export * from './signed-fen.transformer.js';
export * from './volume-cell.entity.js';
export * from './volume-enterprise.entity.js';
export * from './volume-major-result.entity.js';
export * from './volume-watermark.entity.js';
export * from './volume-finding.entity.js';
export * from './volume-rules.js';
export * from './volume-difference.js';
export * from './volumes.repository.js';
export * from './volumes.service.js';
export * from './volumes.module.js';
export * from './progress/pacing.js';
export * from './progress/volumes-report.service.js';
export * from './dto/volumes.dto.js';

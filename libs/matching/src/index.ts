/** Need ↔ listing matching: term profiles (jieba, domain dictionary, synonyms), BM25 and the other components, stored top matches, dismissals. */
export * from './scoring/match-weights.js';
export * from './scoring/match-score.js';
export * from './scoring/regions.js';
export * from './text/term-analyzer.js';
export * from './storage/match-profile.entity.js';
export * from './storage/match-result.entity.js';
export * from './storage/match-dismissal.entity.js';
export * from './storage/matching.repository.js';
export * from './matching.engine.js';
export * from './matching.service.js';
export * from './matching.module.js';
export * from './dto/matching.dto.js';

/** The catalog: research results (科技成果) and technology needs (技术需求), their review lifecycle and Chinese search. */
export * from './lifecycle/catalog-status.js';
export * from './catalog.exception.js';
export * from './listings/listing.entity.js';
export * from './needs/need.entity.js';
export * from './listings/listings.service.js';
export * from './needs/needs.service.js';
export * from './catalog.module.js';
export * from './search/chinese-text.js';
export * from './patents/patent-number.js';
export * from './shared/catalog-search.js';
export * from './search/lexeme-statistics.js';
export { publishedListingsSearch, type ListingHitRow } from './listings/listings.repository.js';
export * from './listings/dto/listing.view.js';
export * from './needs/dto/need.view.js';

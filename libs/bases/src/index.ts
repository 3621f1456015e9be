/** The bases where deals are brokered: entity, routes and seed. */
export * from './base.entity.js';
export * from './base.seed.js';
export * from './base.exception.js';
export * from './bases.service.js';
export * from './bases.module.js';
export * from './dto/base.dto.js';

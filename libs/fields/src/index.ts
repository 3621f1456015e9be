/** The technology-field taxonomy (技术领域) shared by listings, needs and deals. */
export * from './field.entity.js';
export * from './field.seed.js';
export * from './fields.service.js';
export * from './fields.module.js';

/** Multi-year programs and their targets; the volumes issue adds routes and allocations. */
export * from './program.entity.js';
export * from './program.seed.js';
export * from './programs.service.js';
export * from './programs.module.js';

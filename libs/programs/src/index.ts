/** Multi-year programs: their targets, cumulative milestones and per-base allocations, and the admin routes that set them. */
export * from './program.entity.js';
export * from './program-allocation.entity.js';
export * from './program-milestone.entity.js';
export * from './program.seed.js';
export * from './program.exception.js';
export * from './program-rules.js';
export * from './programs.service.js';
export * from './programs.module.js';
export * from './dto/program.dto.js';
export * from './dto/program.view.js';

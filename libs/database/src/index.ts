/** The schema (every entity and migration) and the one TypeORM configuration built on it. */
export * from './schema.js';
export * from './data-source-options.js';
export * from './database.module.js';
export * from './migrator.js';

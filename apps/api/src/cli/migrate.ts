/** `npm run migration:run`: create the database if needed and apply every pending migration. */
import 'reflect-metadata';
import { loadConfig } from '#yizhi/core';
import { migrate } from '#yizhi/database';

const config = loadConfig();
const applied = await migrate(config.databaseUrl);
console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.');

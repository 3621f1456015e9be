/** `npm run migration:check`: fails when the entities and the migrations disagree. */
import 'reflect-metadata';
import { loadConfig } from '#yizhi/core';
import { schemaDrift } from '#yizhi/database';

const { up } = await schemaDrift(loadConfig().databaseUrl);
if (up.length) {
  console.error('The entities and the migrations disagree. A migration would still need:\n');
  for (const query of up) console.error(`  ${query};`);
  console.error('\nRun `npm run migration:generate -- <Name>` and review the result.');
  process.exit(1);
}
console.log('Migrations match the entities.');

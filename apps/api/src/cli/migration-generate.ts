/** `npm run migration:generate -- Name`: writes migrations/<timestamp>-<Name>.ts from the drift and registers it. */
import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig } from '#yizhi/core';
import { schemaDrift } from '#yizhi/database';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('Usage: npm run migration:generate -- PascalCaseName');
  process.exit(2);
}
const { up, down } = await schemaDrift(loadConfig().databaseUrl);
if (!up.length) {
  console.log('Nothing to generate: the migrations match the entities.');
  process.exit(0);
}
const timestamp = Date.now();
const className = `${name}${timestamp}`;
const lines = (queries: string[]) => queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
const file = `migrations/${timestamp}-${name}.ts`;
await writeFile(file, source);
const index = await readFile('migrations/index.ts', 'utf8');
// Prettier keeps the list on one line while it fits and splits it when it does not: handle both.
const list = /(export const MIGRATIONS\b[\s\S]*?=\s*\[)([\s\S]*?),?\s*\];/;
if (!list.test(index)) {
  console.error(`Wrote ${file}, but found no MIGRATIONS list in migrations/index.ts: add ${className} to it by hand`);
  process.exit(1);
}
const updated = index
  .replace(/^(import .*;\n)(?!import )/m, `$1import { ${className} } from './${timestamp}-${name}.js';\n`)
  .replace(list, (_, open: string, entries: string) => `${open}${entries.trim() ? `${entries.trimEnd()}, ` : ''}${className}];`);
await writeFile('migrations/index.ts', updated);
console.log(`Wrote ${file}; review it, then run npm run migration:run`);

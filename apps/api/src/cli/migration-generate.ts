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
const updated = index
  .replace(/^(\/\*\* Every migration)/m, `import { ${className} } from './${timestamp}-${name}.js';\n\n$1`)
  .replace(/^\];$/m, `  ${className},\n];`);
await writeFile('migrations/index.ts', updated);
console.log(`Wrote ${file}; review it, then run npm run migration:run`);

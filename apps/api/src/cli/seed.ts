/** `npm run seed`; see run-seed.ts. */
import 'reflect-metadata';
import { runSeed } from './run-seed.js';

const report = await runSeed();
console.log(
  `Seed: ${report.bases} bases, ${report.fields} fields, ${report.programs} programs inserted; ` +
    `bootstrap admin ${report.admin ? 'created' : 'already present'}.`,
);

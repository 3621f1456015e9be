// Builds dist/ when TypeScript is installed (a checkout); in a production image (no dev
// dependencies) it trusts the dist/ that the image was built with.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  if (!existsSync('dist/apps/api/src/main.js')) {
    console.error('dist/ is missing and TypeScript is not installed: run `npm ci` first.');
    process.exit(1);
  }
  process.exit(0);
}
// Incremental: a no-op build takes a few seconds.
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

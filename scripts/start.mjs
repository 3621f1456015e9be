// `npm start`: build if needed, migrate, seed, then run the API and the worker together.
// Ctrl-C (or SIGTERM) stops both; if either dies, the other is stopped too.
import { spawn, execFileSync } from 'node:child_process';

const node = process.execPath;
const step = (label, args) => {
  console.log(`[start] ${label}`);
  execFileSync(node, args, { stdio: 'inherit' });
};

step('building', ['scripts/build-if-needed.mjs']);
step('migrating', ['dist/apps/api/src/cli/migrate.js']);
step('seeding', ['dist/apps/api/src/cli/seed.js']);

const children = new Map();
let stopping = false;

function stop(signal = 'SIGTERM') {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) if (child.exitCode === null) child.kill(signal);
  // Give them time to drain, then insist.
  setTimeout(() => {
    for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
  }, 10_000).unref();
}

// The API's heap is bounded (docs/operations.md): what it holds is small (imports and exports
// stream), and an unbounded heap only lets V8 keep garbage for longer.
for (const [name, entry, flags] of [
  ['api', 'dist/apps/api/src/main.js', ['--max-old-space-size=256']],
  ['worker', 'dist/apps/worker/src/main.js', []],
]) {
  console.log(`[start] starting ${name}`);
  const child = spawn(node, [...flags, '--enable-source-maps', entry], { stdio: 'inherit' });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    console.log(`[start] ${name} exited (${signal ?? code})`);
    children.delete(name);
    if (!stopping) {
      process.exitCode = code || 1;
      stop();
    }
    if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop('SIGTERM'));

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

for (const [name, entry] of [
  ['api', 'dist/apps/api/src/main.js'],
  ['worker', 'dist/apps/worker/src/main.js'],
]) {
  console.log(`[start] starting ${name}`);
  const child = spawn(node, ['--enable-source-maps', entry], { stdio: 'inherit' });
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

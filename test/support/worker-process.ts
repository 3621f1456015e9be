/**
 * Real worker processes for e2e suites: `node dist/apps/worker/src/main.js`, started with this
 * file's environment (DATABASE_URL, REDIS_URL, QUEUE_PREFIX, …) plus overrides, watched, and
 * stopped or killed by the test. They run the BUILT code: `npm run build` first (CI builds before
 * `npm test`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = process.cwd();
export const WORKER_SCRIPT = 'dist/apps/worker/src/main.js';

/** Source files whose built copies the worker runs, checked for a stale build. */
const WATCHED_SOURCES = [
  'apps/worker/src/main.ts',
  'apps/worker/src/worker.module.ts',
  'apps/worker/src/processors.ts',
  'libs/core/src/outbox/outbox-relay.ts',
  'libs/volumes/src/volumes.service.ts',
  'libs/volumes/src/volumes.repository.ts',
];

/** Throws a clear error when dist/ lacks the worker; warns when a watched source is newer than its build. */
export function requireBuiltWorker(): void {
  if (!existsSync(join(ROOT, WORKER_SCRIPT))) {
    throw new Error(`${WORKER_SCRIPT} is missing: this suite starts the built worker, so run \`npm run build\` before it`);
  }
  const stale = WATCHED_SOURCES.filter((source) => {
    const built = join(ROOT, 'dist', source.replace(/\.ts$/, '.js'));
    return existsSync(join(ROOT, source)) && (!existsSync(built) || statSync(join(ROOT, source)).mtimeMs > statSync(built).mtimeMs);
  });
  if (stale.length) console.warn(`dist/ is older than ${stale.join(', ')}: the worker processes run the last build (npm run build)`);
}

export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last lines the process wrote (stdout and stderr), for a failure's message. */
  output(): string;
  /** Resolves once the worker logged "worker started" (needs LOG_LEVEL info or lower); rejects if it exits first. */
  ready(timeoutMs?: number): Promise<void>;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL (or `signal`), waiting for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<WorkerProcess>();
const KEPT_LINES = 200;

/** Starts a worker process with this file's environment and `env` on top (LOG_LEVEL info unless given). */
export function startWorker(name: string, env: NodeJS.ProcessEnv = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', WORKER_SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`worker ${name} did not start`);
  const lines: string[] = [];
  let started = false;
  const waiting = new Set<() => void>();
  const keep = (stream: string) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      if (line.includes('"msg":"worker started"')) {
        started = true;
        for (const wake of waiting) wake();
      }
      lines.push(`${stream}: ${line.slice(0, 500)}`);
      if (lines.length > KEPT_LINES) lines.shift();
    }
  };
  child.stdout!.on('data', keep('out'));
  child.stderr!.on('data', keep('err'));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isExited = () => child.exitCode !== null || child.signalCode !== null;
  const worker: WorkerProcess = {
    name,
    child,
    pid: child.pid,
    output: () => lines.join('\n'),
    exited: isExited,
    async ready(timeoutMs = 30_000) {
      if (started) return;
      let wake: () => void = () => undefined;
      let timer: NodeJS.Timeout | undefined;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      waiting.add(wake);
      try {
        const outcome = await Promise.race([
          woken.then(() => 'started' as const),
          exit.then(() => 'exited' as const),
          new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
        ]);
        if (outcome === 'exited')
          throw new Error(`worker ${name} exited (${child.signalCode ?? child.exitCode}) before it started:\n${worker.output()}`);
        if (outcome === 'timeout') throw new Error(`worker ${name} did not start within ${timeoutMs} ms:\n${worker.output()}`);
      } finally {
        clearTimeout(timer);
        waiting.delete(wake);
      }
    },
    async stop(graceMs = 5_000) {
      if (!isExited()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (!isExited()) child.kill('SIGKILL');
        }, graceMs);
        await exit;
        clearTimeout(timer);
      }
      running.delete(worker);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!isExited()) {
        child.kill(signal);
        await exit;
      }
      running.delete(worker);
    },
  };
  running.add(worker);
  return worker;
}

/** Stops every worker still running (for afterAll, whatever happened). */
export async function stopAllWorkers(graceMs = 5_000): Promise<void> {
  await Promise.all([...running].map((worker) => worker.stop(graceMs)));
}

/** Last resort, should the test process exit with workers still running. */
process.once('exit', () => {
  for (const worker of running) if (!worker.exited()) worker.child.kill('SIGKILL');
});

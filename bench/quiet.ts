/**
 * Waiting for a quiet machine before a measurement, shared by bench:search, bench:matching and
 * bench:deals: first for other benchmarks of this repository (processes running dist/bench/…) to
 * end, then for other processes to use less than half a core. Both waits are bounded; the caller
 * records what it found.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineTicks } from './cpu.js';

export interface Quiet {
  /** Cores busy (all processes, ours included) in the last second before measuring; null without /proc. */
  busyCores: number | null;
  waitedSeconds: number;
  waitedForBenchmarksSeconds: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Busy share of the whole machine over `ms` (0..1), or null without /proc. */
export async function machineBusy(ms: number): Promise<number | null> {
  const before = machineTicks();
  await sleep(ms);
  const after = machineTicks();
  return before && after ? (after[0] - before[0]) / Math.max(1, after[1] - before[1]) : null;
}

/** This process and its ancestors (npm, the shell of the npm script). */
function ancestors(): Set<number> {
  const pids = new Set<number>([process.pid]);
  let pid = process.ppid;
  while (pid > 1 && !pids.has(pid)) {
    pids.add(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return pids;
}

/** Processes of other benchmarks of this repository, except ours and our children (`own`). */
export function otherBenchmarks(own: ReadonlySet<number> = new Set()): string[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const mine = ancestors();
  const found: string[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || mine.has(Number(entry)) || own.has(Number(entry))) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (command.includes('dist/bench/')) found.push(`${entry} ${command}`);
    } catch {
      // It exited meanwhile.
    }
  }
  return found;
}

/** Waits (up to `othersWaitSeconds`) while another benchmark runs: two benchmarks on two cores measure each other. The seconds waited. */
export async function waitForOtherBenchmarks(
  limits: { othersWaitSeconds: number },
  log: (line: string) => void,
  shouldStop: () => boolean = () => false,
  label = 'bench:matching',
): Promise<number> {
  const t0 = Date.now();
  let others = otherBenchmarks();
  if (others.length) log(`[${label}] waiting for other benchmarks to end: ${others.join('; ')}`);
  while (others.length && Date.now() - t0 < limits.othersWaitSeconds * 1000 && !shouldStop()) {
    await sleep(5_000);
    others = otherBenchmarks();
  }
  if (others.length) log(`[${label}] warning: other benchmarks still running after ${limits.othersWaitSeconds} s; going on`);
  return round((Date.now() - t0) / 1000);
}

/** waitForOtherBenchmarks, then (up to `quietWaitSeconds`) until other processes use less than half a core. */
export async function waitForQuiet(
  limits: { othersWaitSeconds: number; quietWaitSeconds: number },
  log: (line: string) => void,
  shouldStop: () => boolean = () => false,
  /** The benchmark's name in the log lines. */
  label = 'bench:matching',
): Promise<Quiet> {
  const waitedForBenchmarksSeconds = await waitForOtherBenchmarks(limits, log, shouldStop, label);
  const cpus = os.availableParallelism();
  const t1 = Date.now();
  let busy = await machineBusy(1_000);
  while (busy !== null && busy * cpus > 0.5 && Date.now() - t1 < limits.quietWaitSeconds * 1000 && !shouldStop())
    busy = await machineBusy(2_000);
  const busyCores = busy === null ? null : round(busy * cpus, 3);
  const waitedSeconds = round((Date.now() - t1) / 1000);
  if (busyCores !== null && busyCores > 0.5)
    log(`[${label}] warning: ${busyCores} cores busy after waiting ${waitedSeconds} s; measuring anyway`);
  return { busyCores, waitedSeconds, waitedForBenchmarksSeconds };
}

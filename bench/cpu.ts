/**
 * CPU time from /proc (Linux), to tell how much CPU each side spends per request. On a shared
 * 2-core machine req/s moves with the neighbours; CPU time per request moves much less.
 * Everything returns null where /proc is not readable.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Kernel clock ticks (jiffies) per second, as in /proc. */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** [comm, utime + stime in ticks] of one process (all its threads), or null. */
function readStat(pid: number | string): [string, number] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    // Fields after "(comm) ": state is field 3, utime 14 and stime 15 (1-based).
    const fields = stat.slice(close + 2).split(' ');
    return [comm, Number(fields[11]) + Number(fields[12])];
  } catch {
    return null;
  }
}

/** CPU seconds used so far by the process `pid`. */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  const stat = readStat(pid);
  return stat ? stat[1] / clockTicks() : null;
}

/**
 * CPU ticks used so far by each PostgreSQL backend serving `database` (by pid). Backends of other
 * databases (other projects' tests share this server) are left out. Null without /proc.
 */
export function postgresBackendTicks(database: string): Map<number, number> | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const backends = new Map<number, number>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (!stat || stat[0] !== 'postgres') continue;
    try {
      // A backend's title: "postgres: [15/main: ]<user> <database> <client> <state>".
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const match = /^postgres: (?:\S+: )?\S+ (\S+) /.exec(title);
      if (match?.[1] === database) backends.set(Number(entry), stat[1]);
    } catch {
      // It exited meanwhile.
    }
  }
  return backends;
}

/**
 * CPU seconds the backends of `after` used since `before`; one that started meanwhile counts from
 * zero, one that exited meanwhile is lost (pool connections live through a run).
 */
export function postgresCpuSecondsBetween(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let ticks = 0;
  for (const [pid, used] of after) ticks += Math.max(0, used - (before.get(pid) ?? 0));
  return ticks / clockTicks();
}

/** [busy, total] jiffies of the whole machine, from the first line of /proc/stat. */
export function machineTicks(): [number, number] | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
    return [total - idle, total];
  } catch {
    return null;
  }
}

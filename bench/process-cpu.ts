import { readdirSync, readFileSync } from 'node:fs';

/** Length of a clock tick of `/proc/<pid>/stat`, ms (CLK_TCK = 100 on Linux). */
export const TICK_MS = 10;

/** Ticks of user + system time of one thread, or of a whole process for `/proc/<pid>/stat`. */
export function ticksOf(statPath: string): number {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Ticks of system time alone (the kernel working for the process: system calls, page faults). */
export function systemTicksOf(statPath: string): number {
  try {
    const stat = readFileSync(statPath, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]);
  } catch {
    return 0;
  }
}

/**
 * Ticks of user + system time of every process of this machine named `comm` (`/proc/<pid>/comm`:
 * `postgres` for the server and its backends, `redis-server`), by pid.
 */
export function ticksByName(comm: string): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue;
    }
    ticks.set(entry, ticksOf(`/proc/${entry}/stat`));
  }
  return ticks;
}

/** Ticks used between two readings of {@link ticksByName} (a process that exited meanwhile is not counted). */
export function ticksBetween(before: Map<string, number>, after: Map<string, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks;
}

/**
 * A CPU clock of the processes named `comm`: `elapsedMs()` is the CPU time they used since the call.
 *
 * @example
 * ```ts
 * const postgres = serverCpuClock('postgres');
 * await work();
 * console.log(postgres.elapsedMs());
 * ```
 */
export function serverCpuClock(comm: string): { elapsedMs(): number } {
  const start = ticksByName(comm);
  return { elapsedMs: () => ticksBetween(start, ticksByName(comm)) * TICK_MS };
}

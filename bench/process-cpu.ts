import { readdirSync, readFileSync } from 'node:fs';

/** Length of a clock tick of `/proc/<pid>/stat`, ms (CLK_TCK = 100 on Linux). */
export const TICK_MS = 10;

/**
 * The fields of `/proc/<pid>/stat` after the command name (which may hold spaces, so it is cut at the
 * last `)`): index 7 is minflt, 11 utime, 12 stime. Empty when the process is gone.
 */
function statFields(statPath: string): string[] {
  try {
    const stat = readFileSync(statPath, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

/** A number field of {@link statFields}, 0 when the process is gone. */
const statNumber = (fields: readonly string[], index: number): number => Number(fields[index] ?? 0);

/** Ticks of user + system time of one thread, or of a whole process for `/proc/<pid>/stat`. */
export function ticksOf(statPath: string): number {
  const fields = statFields(statPath);
  return statNumber(fields, 11) + statNumber(fields, 12);
}

/** Ticks of system time alone (the kernel working for the process: system calls, page faults). */
export function systemTicksOf(statPath: string): number {
  return statNumber(statFields(statPath), 12);
}

/**
 * Minor page faults of one process (`/proc/<pid>/stat`): pages the kernel had to map in for it, such as
 * heap memory handed back to the system and touched again. Each costs system time.
 */
export function minorFaultsOf(statPath: string): number {
  return statNumber(statFields(statPath), 7);
}

/**
 * A counter (`read`, from `/proc/<pid>/stat`) of every process of this machine named `comm`
 * (`/proc/<pid>/comm`: `postgres` for the server and its backends, `redis-server`), by pid.
 */
export function countersByName(comm: string, read: (statPath: string) => number): Map<string, number> {
  const counters = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue;
    }
    counters.set(entry, read(`/proc/${entry}/stat`));
  }
  return counters;
}

/** Ticks of user + system time of every process named `comm`, by pid (see {@link countersByName}). */
export function ticksByName(comm: string): Map<string, number> {
  return countersByName(comm, ticksOf);
}

/**
 * How much a counter of {@link countersByName} grew between two readings, over all processes (one that
 * exited meanwhile is not counted).
 */
export function increaseBetween(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, value] of after) total += value - (before.get(pid) ?? 0);
  return total;
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
  return { elapsedMs: () => increaseBetween(start, ticksByName(comm)) * TICK_MS };
}

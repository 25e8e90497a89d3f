import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface MemoryKb {
  /** Resident set size now (`VmRSS`). */
  readonly rssKb: number;
  /** Peak resident set size (`VmHWM`). */
  readonly hwmKb: number;
}

/** `VmRSS` and `VmHWM` of a process from /proc/PID/status, in kB; undefined when it is gone. */
export function readMemory(pid: number): MemoryKb | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time of a process in ms (/proc/PID/stat fields 14 and 15); undefined when it is gone. */
export function readCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks();
}

export interface HostCpu {
  readonly busy: number;
  readonly total: number;
}

/** Aggregate CPU jiffies of the host from /proc/stat (busy = all but idle and iowait). */
export function readHostCpu(): HostCpu | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const values = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Percentage of all host cores busy between two readings. */
export function hostBusyPercent(before: HostCpu | undefined, after: HostCpu | undefined): number {
  if (before === undefined || after === undefined || after.total <= before.total) return NaN;
  return ((after.busy - before.busy) / (after.total - before.total)) * 100;
}

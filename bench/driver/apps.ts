import { fileURLToPath } from 'node:url';

/**
 * One server under test. The driver starts `command` in `cwd` with `PORT`, `DATABASE_URL` and
 * `PG_POOL_MAX` in the environment, waits for `200` on `readyPath`, runs the scenarios, then sends SIGTERM.
 * The process started must be the server itself (not a wrapper such as `npx`), since RSS and CPU are
 * read from /proc/<pid>.
 */
export interface BenchApp {
  readonly name: string;
  readonly port: number;
  readonly command: readonly string[];
  /** Working directory; default: the bench package folder. */
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Default: `/bench/ping`. */
  readonly readyPath?: string;
}

/** The app the others are compared with: ratios in RESULTS.md are `<app> / native`. */
export const BASELINE_APP = 'native';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** `node --import tsx <file>`: one process, TypeScript compiled on load (same cost for every app). */
export function tsxCommand(file: string): readonly string[] {
  return [process.execPath, '--import', 'tsx', file];
}

/**
 * The apps of a run, in alternation order (block order per repeat: this order, then reversed, …).
 * To add loom, one entry, e.g.:
 *   { name: 'loom', port: 8101, command: tsxCommand('loom/main.ts') },
 */
export const APPS: readonly BenchApp[] = [
  { name: 'native', port: 8102, command: tsxCommand('native/main.ts') },
];

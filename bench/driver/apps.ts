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
  /** Run only these scenarios (names from `scenarios.ts`); default: every scenario of the run. */
  readonly scenarios?: readonly string[];
  /** Run only when named in `BENCH_APPS` (a diagnostic row, not part of the default matrix). */
  readonly onlyWhenNamed?: boolean;
}

/** The app the others are compared with: ratios in RESULTS.md are `<app> / native`. */
export const BASELINE_APP = 'native';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** `node <file>`: one process, types stripped by Node on load (same cost for every app). */
export function nodeCommand(file: string): readonly string[] {
  return [process.execPath, file];
}

/**
 * The apps of a run, in alternation order (block order per repeat: this order, then reversed, …).
 * `loom` is what users run: `createApp` from `loom/config/bench.yaml` with the production defaults
 * (metrics, trace ids, HTTP observer, info logging); `native` has the same observability written by hand.
 * `loom-kernel` is the bare kernel (`new Kernel` + `createRestServer`, no observability), a second row
 * that shows what the framework costs without its defaults. `loom-cached` is the `loom` app with its
 * repository read cache on (`LOOM_BENCH_CACHE=1`, an in-memory store), measured on the one scenario a
 * read cache serves. `native-bare` (native without observability, `NATIVE_BARE=1`) runs only when
 * `BENCH_APPS` names it.
 */
export const APPS: readonly BenchApp[] = [
  { name: 'loom', port: 8101, command: nodeCommand('loom/main.ts') },
  { name: 'native', port: 8102, command: nodeCommand('native/main.ts') },
  {
    name: 'loom-kernel',
    port: 8104,
    command: nodeCommand('loom/kernel-main.ts'),
    // No job runtime without createApp.
    scenarios: [
      'ping',
      'get_by_id_with_details',
      'list_cursor_no_count',
      'list_offset_with_count',
      'update_autocrud_plain',
      'pricing_preview_input_compute',
      'create_with_rules',
    ],
  },
  {
    // Native without its observability: with `loom-kernel`, prices what the observability costs each app.
    name: 'native-bare',
    port: 8105,
    command: nodeCommand('native/main.ts'),
    env: { NATIVE_BARE: '1' },
    onlyWhenNamed: true,
  },
  {
    name: 'loom-cached',
    port: 8103,
    command: nodeCommand('loom/main.ts'),
    env: { LOOM_BENCH_CACHE: '1' },
    scenarios: ['get_by_id_with_details'],
  },
];

/** The scenarios an app runs: its own subset of the run's, or all of them. */
export function scenariosOf<T extends { readonly name: string }>(app: BenchApp, all: readonly T[]): T[] {
  return app.scenarios === undefined ? [...all] : all.filter((s) => app.scenarios?.includes(s.name));
}

import { parseArgs } from 'node:util';

/** Where a command writes and what stops it. `runCli` fills in the process defaults. */
export interface CliContext {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Aborted to stop a long-running command (serve, worker). Default: the first SIGTERM or SIGINT. */
  readonly stop?: AbortSignal;
}

/**
 * A mistake in the command line: exit code 2, with the command's usage.
 *
 * @example
 * ```ts
 * if (values.check && !values.out) throw new UsageError('loom openapi: --check needs --out F');
 * ```
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Exit codes of `loom`.
 *
 * @example
 * ```ts
 * process.exit(ok ? EXIT.ok : EXIT.failure);
 * ```
 */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2 });

/**
 * `node:util` parseArgs with `--help`/`-h` added, strict, positionals allowed; its errors become
 * {@link UsageError}s.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommand(args, { dir: { type: 'string' } });
 * ```
 */
export function parseCommand<const O extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(
  args: readonly string[],
  options: O,
): ParsedCommand<O> {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } } as O & {
        help: { type: 'boolean'; short: 'h' };
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** What {@link parseCommand} returns: parsed values (with `help`) and positionals. */
export type ParsedCommand<O extends Record<string, { type: 'string' | 'boolean'; short?: string }>> =
  ReturnType<
    typeof parseArgs<{
      args: string[];
      options: O & { help: { type: 'boolean'; short: 'h' } };
      allowPositionals: true;
      strict: true;
    }>
  >;

/** The config files of a command: at least one. */
export function configPathsOf(positionals: readonly string[], command: string): string[] {
  if (positionals.length === 0) {
    throw new UsageError(
      `loom ${command}: pass at least one config file (e.g. loom ${command} config/api.yaml)`,
    );
  }
  return [...positionals];
}

/** A positive integer option (`--workers 4`), or a usage error naming it. */
export function positiveInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${option} must be a positive integer, got "${value}"`);
  return n;
}

/**
 * Resolves when `signal` aborts.
 *
 * @example
 * ```ts
 * await stopped(ctx.stop);
 * ```
 */
export function stopped(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** An AbortSignal aborted by the first SIGTERM or SIGINT (the reason is the signal's name). */
export function processStopSignal(): AbortSignal {
  const controller = new AbortController();
  for (const name of ['SIGTERM', 'SIGINT'] as const) {
    // One listener per signal, each kept until it fires: a second, different signal still reaches us
    // (and is ignored) instead of killing the process mid-shutdown.
    process.once(name, () => controller.abort(name));
  }
  return controller.signal;
}

/**
 * Runs `work` until it settles or `timeoutMs` passes: true when it finished in time.
 *
 * @example
 * ```ts
 * if (!(await within(app.close(), 30_000))) return EXIT.failure;
 * ```
 */
export async function within(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

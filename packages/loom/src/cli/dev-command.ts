import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type CliContext, EXIT, parseCommand, UsageError } from './cli-context.ts';
import { DEV_HELP } from './help.ts';

/**
 * `loom dev [entry]`: runs the app's entry (default `src/main.ts`) under `node --watch`, which restarts
 * it when a file under `src/` or `config/` changes (YAML included: it is not part of the module graph).
 * SIGTERM and SIGINT are passed to the child; its exit code becomes ours.
 */
export async function devCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommand(args, {});
  if (values.help) {
    ctx.stdout(DEV_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError('loom dev takes at most one entry file');
  const entry = positionals[0] ?? 'src/main.ts';
  if (!existsSync(entry)) throw new UsageError(`${entry} does not exist (run loom dev in the app's folder)`);
  const watched = ['src', 'config'].filter((dir) => existsSync(dir)).map((dir) => `--watch-path=${dir}`);
  const child = spawn(process.execPath, ['--watch', ...watched, entry], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward('SIGTERM');
  const onInt = forward('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  ctx.stop?.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
  const code = await new Promise<number>((settle) => {
    child.on('exit', (status, signal) => settle(status ?? (signal === null ? EXIT.failure : EXIT.ok)));
    child.on('error', () => settle(EXIT.failure));
  });
  process.off('SIGTERM', onTerm);
  process.off('SIGINT', onInt);
  return code;
}

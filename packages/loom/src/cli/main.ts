import { readFileSync } from 'node:fs';
import { type CliContext, EXIT, UsageError } from './cli-context.ts';
import { MAIN_HELP } from './help.ts';

type Command = (args: readonly string[], ctx: CliContext) => Promise<number>;

// Each command is loaded when it runs: `loom --help` and the cluster primary stay light.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => (await import('./serve-command.ts')).serveCommand,
  worker: async () => (await import('./worker-command.ts')).workerCommand,
  db: async () => (await import('./db-command.ts')).dbCommand,
  routes: async () => (await import('./routes-command.ts')).routesCommand,
  openapi: async () => (await import('./openapi-command.ts')).openapiCommand,
  new: async () => (await import('./new-command.ts')).newCommand,
  dev: async () => (await import('./dev-command.ts')).devCommand,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The `loom` command line: runs one command and resolves its exit code (0 ok, 1 failure, 2 usage
 * error); messages go to `ctx.stdout` / `ctx.stderr`, never `process.exit`. Long-running commands
 * (serve, worker) resolve once stopped by `ctx.stop` or by SIGTERM/SIGINT.
 *
 * @example
 * ```ts
 * const code = await runCli(['routes', 'examples/store/config/api.yaml']);
 * process.exit(code);
 * ```
 */
export async function runCli(argv: readonly string[], context: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = {
    stdout: context.stdout ?? ((text) => process.stdout.write(text)),
    stderr: context.stderr ?? ((text) => process.stderr.write(text)),
    ...(context.stop === undefined ? {} : { stop: context.stop }),
  };
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout(MAIN_HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    ctx.stdout(`${version()}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    ctx.stderr(`loom: unknown command "${name}"\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  try {
    return await (await load())(args, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.stderr(`${error.message}\nRun "loom ${name} --help" for usage.\n`);
      return EXIT.usage;
    }
    // Config, declaration and database errors say what is wrong; LOOM_DEBUG=1 adds the stack.
    ctx.stderr(`loom ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.LOOM_DEBUG && error instanceof Error && error.stack) ctx.stderr(`${error.stack}\n`);
    return EXIT.failure;
  }
}

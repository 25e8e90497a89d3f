import { createWorker } from '../app/create-worker.ts';
import {
  type CliContext,
  configPathsOf,
  EXIT,
  parseCommand,
  positiveInt,
  processStopSignal,
  stopped,
} from './cli-context.ts';
import { WORKER_HELP } from './help.ts';

/** `loom worker [--shutdown-timeout MS] <config.yaml>...` */
export async function workerCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommand(args, { 'shutdown-timeout': { type: 'string' } });
  if (values.help) {
    ctx.stdout(WORKER_HELP);
    return EXIT.ok;
  }
  const configPaths = configPathsOf(positionals, 'worker');
  const timeoutMs = positiveInt(values['shutdown-timeout'], 'shutdown-timeout', 30_000);
  const stop = ctx.stop ?? processStopSignal();
  const worker = await createWorker(...configPaths);
  worker.start();
  await stopped(stop);
  worker.assembly.logger.info({ signal: String(stop.reason) }, 'shutting down: finishing running jobs');
  await worker.stop({ timeoutMs });
  return EXIT.ok;
}

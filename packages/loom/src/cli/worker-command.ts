import { createWorker } from '../app/create-worker.ts';
import {
  type CliContext,
  configPathsOf,
  EXIT,
  parseCommand,
  positiveInt,
  processStopSignal,
  stopped,
  within,
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
  const stop = ctx.stop ?? processStopSignal();
  const worker = await createWorker(...configPaths);
  const timeoutMs = positiveInt(
    values['shutdown-timeout'],
    'shutdown-timeout',
    worker.assembly.config.app.shutdown.timeoutMs,
  );
  worker.start();
  await stopped(stop);
  const { logger } = worker.assembly;
  logger.info({ signal: String(stop.reason) }, 'shutting down: finishing running jobs');
  // Running jobs get most of the deadline; closing the queue and the database the rest. Past the
  // deadline the command returns and the process exits, even when the database no longer answers.
  const grace = Math.max(1, Math.floor(timeoutMs * 0.8));
  if (!(await within(worker.stop({ timeoutMs: grace }), timeoutMs))) {
    logger.error({ timeoutMs }, 'shutdown timed out');
    return EXIT.failure;
  }
  return EXIT.ok;
}

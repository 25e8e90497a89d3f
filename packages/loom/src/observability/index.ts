/**
 * `loom-kernel/observability`: what application code needs to join loom's logs and traces — the
 * tracer's name (to configure an OpenTelemetry SDK), trace propagation across process boundaries, and
 * loom's logger factory.
 *
 * @example
 * ```ts
 * import { traceCarrier, contextFromCarrier } from 'loom-kernel/observability';
 *
 * const carrier = traceCarrier(); // put into a message, restore on the other side
 * ```
 *
 * @packageDocumentation
 */

export { createLogger } from './logger.ts';
export {
  contextFromCarrier,
  contextFromHeaders,
  type TraceCarrier,
  traceCarrier,
} from './trace-propagation.ts';
export { TRACER_NAME } from './tracing.ts';

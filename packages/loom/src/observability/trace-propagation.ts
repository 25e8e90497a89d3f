import {
  type Context,
  context,
  createTraceState,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

/** The W3C Trace Context fields a job message carries in `meta`. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The W3C `traceparent` (and `tracestate`) of the active span, for a message that leaves the process
 * (a dispatched job). Empty when no span is active, e.g. when no tracer provider is registered.
 * Independent of the globally configured propagator: job messages always speak W3C.
 *
 * @example
 * ```ts
 * const message = { ...job, meta: { traceId, ...traceCarrier() } };
 * ```
 */
export function traceCarrier(ctx: Context = context.active()): TraceCarrier {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return {};
  const flags = span.traceFlags & TraceFlags.SAMPLED ? '01' : '00';
  const carrier: TraceCarrier = { traceparent: `00-${span.traceId}-${span.spanId}-${flags}` };
  const state = span.traceState?.serialize();
  if (state) carrier.tracestate = state;
  return carrier;
}

/**
 * The context whose remote parent is the span a carrier names (`traceparent`, `tracestate`); `base`
 * unchanged when the carrier holds no valid trace parent.
 *
 * @example
 * ```ts
 * const parent = contextFromCarrier(message.meta);
 * await inSpan(`job ${message.name}`, { parent }, () => run(message));
 * ```
 */
export function contextFromCarrier(
  carrier: Readonly<Record<string, string | undefined>> | undefined,
  base: Context = ROOT_CONTEXT,
): Context {
  const match = carrier?.traceparent ? TRACEPARENT.exec(carrier.traceparent.trim().toLowerCase()) : null;
  if (!match) return base;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return base;
  const spanContext = {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: Number.parseInt(flags!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(carrier?.tracestate ? { traceState: createTraceState(carrier.tracestate) } : {}),
  };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(base, spanContext) : base;
}

/**
 * The parent context of an incoming HTTP request: what the registered propagator extracts from its
 * headers, else the request's W3C `traceparent` header, else the root context (a new trace).
 *
 * @example
 * ```ts
 * const parent = contextFromHeaders(request.headers);
 * ```
 */
export function contextFromHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Context {
  const extracted = propagation.extract(ROOT_CONTEXT, headers);
  const found = trace.getSpanContext(extracted);
  if (found && isSpanContextValid(found)) return extracted;
  const first = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return contextFromCarrier({ traceparent: first('traceparent'), tracestate: first('tracestate') });
}

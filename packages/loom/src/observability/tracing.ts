import {
  type Attributes,
  type Context,
  context,
  ProxyTracerProvider,
  type Span,
  type SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { LoomError } from '../errors/index.ts';

/** The instrumentation scope of loom's spans. */
export const TRACER_NAME = 'loom-kernel';

// The provider every ProxyTracerProvider delegates to until an SDK registers one.
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * True when an OpenTelemetry tracer provider is registered. Without one, loom's span helpers run their
 * function directly: no span objects, no context switches.
 *
 * @example
 * ```ts
 * if (tracingEnabled()) span.setAttribute('loom.rows', rows.length);
 * ```
 */
export function tracingEnabled(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider ? provider.getDelegate() !== NOOP_PROVIDER : true;
}

/**
 * loom's tracer (from the global provider; the API's no-op tracer when none is registered).
 *
 * @example
 * ```ts
 * const span = loomTracer().startSpan('cache warm-up');
 * span.end();
 * ```
 */
export function loomTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** Options of {@link inSpan}. */
export interface InSpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The parent context; default: the active one. */
  readonly parent?: Context;
  /** Mark the span failed on any error (jobs), not only on server errors (requests, use cases). */
  readonly everyErrorFails?: boolean;
}

/**
 * Whether an error means the span failed: loom's client errors (4xx: not found, rule violations, bad
 * input) are outcomes of a working system, not failures of it.
 */
export function isServerError(error: unknown): boolean {
  return !(error instanceof LoomError) || error.status >= 500;
}

/** Marks a span as failed by `error` (status ERROR, exception event) when it is a server error. */
export function recordFailure(span: Span, error: unknown, everyErrorFails = false): void {
  if (!everyErrorFails && !isServerError(error)) {
    span.setAttribute('loom.error_code', (error as LoomError).code);
    return;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/**
 * Runs `fn` inside a new active span named `name`, ended when `fn` settles; a server error marks it
 * failed. Without a registered tracer provider it only calls `fn`.
 *
 * @example
 * ```ts
 * const user = await inSpan('use_case CreateUser', { attributes: { 'loom.use_case': 'CreateUser' } }, () =>
 *   kernel.call(CreateUser, args),
 * );
 * ```
 */
export function inSpan<T>(
  name: string,
  options: InSpanOptions,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return fn(undefined);
  const spanOptions = {
    ...(options.kind === undefined ? {} : { kind: options.kind }),
    ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
  };
  return loomTracer().startActiveSpan(name, spanOptions, options.parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordFailure(span, error, options.everyErrorFails);
      throw error;
    } finally {
      span.end();
    }
  });
}

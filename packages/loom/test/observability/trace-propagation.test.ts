import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  contextFromCarrier,
  contextFromHeaders,
  traceCarrier,
} from '../../src/observability/trace-propagation.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('W3C trace context of job messages', () => {
  it('is empty when no span is active (no tracer provider)', () => {
    expect(traceCarrier()).toEqual({});
  });

  it('writes the traceparent and tracestate of the active span context', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: TraceFlags.SAMPLED,
    });
    expect(traceCarrier(ctx)).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01` });
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: TraceFlags.NONE,
    });
    expect(traceCarrier(unsampled).traceparent).toBe(`00-${TRACE}-${SPAN}-00`);
  });

  it('reads a carrier back into a remote parent, tracestate included', () => {
    const ctx = contextFromCarrier({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'vendor=x' });
    const span = trace.getSpanContext(ctx);
    expect(span).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    expect(span?.traceState?.get('vendor')).toBe('x');
    expect(traceCarrier(ctx)).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'vendor=x' });
  });

  it('ignores invalid or missing traceparents', () => {
    const invalid = [
      undefined,
      {},
      { traceparent: 'garbage' },
      { traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` },
      { traceparent: `00-${TRACE}-${'0'.repeat(16)}-01` },
      { traceparent: `ff-${TRACE}-${SPAN}-01` },
      { traceparent: `00-${TRACE}-${SPAN}-01-extra` },
    ];
    for (const carrier of invalid) expect(trace.getSpanContext(contextFromCarrier(carrier))).toBeUndefined();
  });

  it('reads the traceparent header of an HTTP request', () => {
    const ctx = contextFromHeaders({ traceparent: [`00-${TRACE}-${SPAN}-01`, 'ignored'] });
    expect(trace.getSpanContext(ctx)?.traceId).toBe(TRACE);
    expect(trace.getSpanContext(contextFromHeaders({}))).toBeUndefined();
  });
});

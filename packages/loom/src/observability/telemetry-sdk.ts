import { context, trace } from '@opentelemetry/api';
import type { TraceConfig } from '../config/index.ts';
import { requirePeer } from '../errors/require-peer.ts';
import type { Logger } from '../use-case/services.ts';
import { tracingEnabled } from './tracing.ts';

/** A started OpenTelemetry SDK: `shutdown` exports the spans still buffered and unregisters it. */
export interface TelemetrySdk {
  shutdown(): Promise<void>;
}

// One SDK per process: the tracer provider is global. Apps assembled in the same process (tests, an API
// plus a worker) share it; the last one closed shuts it down.
let started: { sdk: TelemetrySdk; users: number } | undefined;

// Optional peers, named in the error when missing: an app without an exporter imports none of the SDK.
const importOptional = <T>(name: string): Promise<T> => requirePeer<T>(name, 'trace.exporter is configured');

async function buildSdk(config: TraceConfig & { exporter: NonNullable<TraceConfig['exporter']> }) {
  // Loaded only when configured: an app without an exporter imports none of the SDK.
  const base = await importOptional<typeof import('@opentelemetry/sdk-trace-base')>(
    '@opentelemetry/sdk-trace-base',
  );
  const { resourceFromAttributes } =
    await importOptional<typeof import('@opentelemetry/resources')>('@opentelemetry/resources');
  const { OTLPTraceExporter } = await importOptional<
    typeof import('@opentelemetry/exporter-trace-otlp-http')
  >('@opentelemetry/exporter-trace-otlp-http');
  const { AsyncLocalStorageContextManager } = await importOptional<
    typeof import('@opentelemetry/context-async-hooks')
  >('@opentelemetry/context-async-hooks');

  const exporter = new OTLPTraceExporter({
    url: config.exporter.endpoint,
    headers: { ...config.exporter.headers },
    timeoutMillis: config.exporter.timeoutMs,
  });
  const provider = new base.BasicTracerProvider({
    resource: resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName }),
    sampler: new base.ParentBasedSampler({ root: new base.TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new base.BatchSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
      }
    },
  };
}

/**
 * Starts the OpenTelemetry SDK the `trace:` section asks for — OTLP/HTTP (JSON) export to
 * `trace.exporter.endpoint`, resource `service.name` = `trace.serviceName` plus `trace.resourceAttributes`,
 * parent-based sampling of `trace.sampleRatio` of new traces (incoming W3C `traceparent` is
 * followed by loom itself) — and registers it as the
 * global tracer provider, so loom's request, use-case, job and SQL spans leave the process without
 * user code. Does nothing (resolves undefined) when `trace.enabled` is false, when no exporter is
 * configured, or when the application registered a tracer provider itself (logged: its own wins).
 * The SDK packages are optional peers, imported only here.
 *
 * @example
 * ```ts
 * const sdk = await startTelemetry(config.trace, logger);
 * // … serve …
 * await sdk?.shutdown(); // flushes buffered spans
 * ```
 */
export async function startTelemetry(config: TraceConfig, logger: Logger): Promise<TelemetrySdk | undefined> {
  const { exporter } = config;
  if (!config.enabled || exporter === undefined) return undefined;
  if (started === undefined && tracingEnabled()) {
    logger.warn('trace.exporter is ignored: a tracer provider is registered already');
    return undefined;
  }
  if (started === undefined) {
    started = { sdk: await buildSdk({ ...config, exporter }), users: 0 };
    logger.info(
      { endpoint: exporter.endpoint, serviceName: config.serviceName, sampleRatio: config.sampleRatio },
      'OpenTelemetry: exporting traces over OTLP/HTTP',
    );
  }
  started.users++;
  let released = false;
  return {
    async shutdown() {
      if (released || started === undefined) return;
      released = true;
      started.users--;
      if (started.users > 0) return;
      const { sdk } = started;
      started = undefined;
      await sdk.shutdown();
    },
  };
}

import { SpanKind, trace } from '@opentelemetry/api';
import type { Database } from '../db/database.ts';
import { loomTracer, tracingEnabled } from './tracing.ts';

/**
 * Records each SQL statement run inside a traced call as a CLIENT span `sql <VERB>` under the active
 * span (repository, use case or job), timed by the database's statement hook. Statements outside any
 * span, or with no tracer provider registered, cost one check. Returns the unsubscribe function.
 *
 * @example
 * ```ts
 * const stop = traceStatements(db);
 * ```
 */
export function traceStatements(db: Database): () => void {
  const system = db.dialect === 'postgres' ? 'postgresql' : 'sqlite';
  return db.onStatement((sqlText, ms) => {
    if (!tracingEnabled() || trace.getActiveSpan() === undefined) return;
    const end = Date.now();
    const verb = /^\s*(\w+)/.exec(sqlText)?.[1]?.toUpperCase() ?? 'QUERY';
    const span = loomTracer().startSpan(`sql ${verb}`, {
      kind: SpanKind.CLIENT,
      startTime: end - ms,
      attributes: { 'db.system.name': system, 'db.query.text': sqlText },
    });
    span.end(end);
  });
}

import autocannon from 'autocannon';
import { type Scenario, seededIds } from '../scenarios.ts';
import type { LoadResult, LoadSpec } from './load-result.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The fallback client when wrk is missing: autocannon in this process, same request sequence as the Lua. */
export async function runAutocannon(
  scenario: Scenario,
  spec: LoadSpec,
): Promise<{ result: LoadResult; raw: string }> {
  let i = 0;
  const randomId = seededIds();
  const r = await autocannon({
    url: spec.baseUrl,
    connections: spec.connections,
    duration: spec.durationS,
    timeout: spec.timeoutS,
    requests: [
      {
        setupRequest: (request) => {
          const next = scenario.request(i++, randomId);
          return next.body === undefined
            ? { ...request, method: next.method, path: next.path }
            : { ...request, method: next.method, path: next.path, body: next.body, headers: JSON_HEADERS };
        },
      },
    ],
  });
  const codes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(r.statusCodeStats)) {
    if (!code.startsWith('2')) codes[code] = stats.count;
  }
  return {
    raw: JSON.stringify(r),
    result: {
      tool: 'autocannon',
      requests: r.requests.total,
      durationS: r.duration,
      rps: r.requests.total / r.duration,
      bytes: r.throughput.total,
      p50Ms: r.latency.p50,
      p90Ms: r.latency.p90,
      p99Ms: r.latency.p99,
      maxMs: r.latency.max,
      meanMs: r.latency.mean,
      non2xx: r.non2xx,
      non2xxCodes: codes,
      socketErrors: r.errors,
      timeouts: r.timeouts,
    },
  };
}

/** One load run as either tool reports it, normalised. Latencies in ms. */
export interface LoadResult {
  readonly tool: 'wrk' | 'autocannon';
  readonly requests: number;
  readonly durationS: number;
  readonly rps: number;
  readonly bytes: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** Responses whose status is not 2xx. */
  readonly non2xx: number;
  readonly non2xxCodes: Readonly<Record<string, number>>;
  /** Connect/read/write errors and timeouts. */
  readonly socketErrors: number;
  readonly timeouts: number;
}

export interface LoadSpec {
  readonly baseUrl: string;
  readonly connections: number;
  readonly durationS: number;
  /** Request timeout, as `wrk --timeout 10s`. */
  readonly timeoutS: number;
  /** wrk only: each connection's wait before its first request (default `FIRST_REQUEST_PAUSE_MS`). */
  readonly firstRequestPauseMs?: number;
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResult } from '../driver/load-result.ts';
import { mergeSlices, weightedLatencies, weightedPercentile } from '../driver/load-slices.ts';
import { FIRST_REQUEST_PAUSE_MS, findWrk, runWrk, writeWrkScript } from '../driver/load-wrk.ts';
import { SCENARIOS } from '../scenarios.ts';

function result(overrides: Partial<LoadResult>): LoadResult {
  return {
    tool: 'wrk',
    requests: 100,
    durationS: 1,
    rps: 100,
    bytes: 1_000,
    p50Ms: 1,
    p90Ms: 2,
    p99Ms: 3,
    maxMs: 4,
    meanMs: 1.5,
    non2xx: 0,
    non2xxCodes: {},
    socketErrors: 0,
    timeouts: 0,
    ...overrides,
  };
}

describe('weightedLatencies and weightedPercentile', () => {
  it("give one run's own grid values back at its grid points", () => {
    const quantiles = [
      [50, 900],
      [90, 1_500],
      [99, 7_000],
      [100, 20_000],
    ] as const;
    const values = weightedLatencies([{ requests: 1_000, quantiles }]);
    expect(weightedPercentile(values, 50)).toBe(900);
    expect(weightedPercentile(values, 90)).toBe(1_500);
    expect(weightedPercentile(values, 99)).toBe(7_000);
    expect(weightedPercentile(values, 99.5)).toBe(20_000);
    expect(weightedPercentile([], 99)).toBe(0);
  });

  it('weigh each run by its requests', () => {
    // 1,000 fast requests and 10 slow ones: the slow run's p50 is far below the whole's p99.
    const values = weightedLatencies([
      {
        requests: 1_000,
        quantiles: [
          [50, 1_000],
          [100, 2_000],
        ],
      },
      {
        requests: 10,
        quantiles: [
          [50, 50_000],
          [100, 90_000],
        ],
      },
    ]);
    expect(values).toEqual([
      [1_000, 500],
      [2_000, 500],
      [50_000, 5],
      [90_000, 5],
    ]);
    // 1,010 requests: p49 is the 495th, p50 the 505th (past the fast run's first half).
    expect(weightedPercentile(values, 49)).toBe(1_000);
    expect(weightedPercentile(values, 50)).toBe(2_000);
    expect(weightedPercentile(values, 99)).toBe(2_000);
    expect(weightedPercentile(values, 99.9)).toBe(90_000);
  });
});

describe('mergeSlices', () => {
  it('adds requests, time, bytes and errors; RPS is all requests over all measured time', () => {
    const merged = mergeSlices([
      { result: result({ requests: 300, durationS: 1, bytes: 30, non2xx: 1, non2xxCodes: { 500: 1 } }) },
      {
        result: result({
          requests: 100,
          durationS: 1,
          bytes: 10,
          non2xx: 2,
          non2xxCodes: { 500: 1, 404: 1 },
          socketErrors: 3,
          timeouts: 1,
          maxMs: 40,
        }),
      },
    ]);
    expect(merged).toMatchObject({
      requests: 400,
      durationS: 2,
      rps: 200,
      bytes: 40,
      non2xx: 3,
      non2xxCodes: { 500: 2, 404: 1 },
      socketErrors: 3,
      timeouts: 1,
      maxMs: 40,
    });
  });

  it("takes percentiles of the slices' quantiles put together, not an average of their percentiles", () => {
    // A slow slice: its own p99 is 50 ms, but its 10 requests of 1,010 are under 1 % of the run.
    const grid = (value: number) =>
      [
        [50, value],
        [99, value],
        [100, value],
      ] as const;
    const fast = { result: result({ requests: 1_000, p99Ms: 1, meanMs: 1 }), quantiles: grid(1_000) };
    const slow = { result: result({ requests: 10, p99Ms: 50, meanMs: 50 }), quantiles: grid(50_000) };
    const merged = mergeSlices([fast, slow]);
    expect(merged.p50Ms).toBe(1);
    expect(merged.p99Ms).toBe(1);
    expect(merged.meanMs).toBeCloseTo((1_000 * 1 + 10 * 50) / 1_010, 6);
  });

  it('weights the slices by their requests when a slice has no quantiles (autocannon)', () => {
    const merged = mergeSlices([
      { result: result({ tool: 'autocannon', requests: 300, p50Ms: 1, p99Ms: 2 }) },
      { result: result({ tool: 'autocannon', requests: 100, p50Ms: 5, p99Ms: 10 }) },
    ]);
    expect(merged.p50Ms).toBe(2);
    expect(merged.p99Ms).toBe(4);
  });

  it('returns a single slice as it is, and refuses none', () => {
    const only = { result: result({ requests: 7 }) };
    expect(mergeSlices([only])).toBe(only.result);
    expect(() => mergeSlices([])).toThrow(/no slices/);
  });
});

describe('wrk through common.lua', () => {
  let server: Server;
  let baseUrl: string;
  let dir: string;
  beforeAll(async () => {
    if (findWrk() === undefined) {
      if (process.getuid?.() !== 0)
        throw new Error('wrk is not installed: run `sudo apt-get install -y wrk`');
      execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-qq', 'wrk'], {
        stdio: 'ignore',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    }
    dir = mkdtempSync(join(tmpdir(), 'wrk-slices-'));
    // Latencies spread over a few milliseconds, so the histogram has many values.
    let n = 0;
    server = createServer((_request, response) => {
      setTimeout(() => response.end('{"ok":true}'), n++ % 5);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("prints quantiles that give back wrk's own percentiles, and keeps them out of the raw output", async () => {
    const ping = SCENARIOS.find((s) => s.name === 'ping');
    if (ping === undefined) throw new Error('no ping scenario');
    const script = writeWrkScript(ping, dir);
    const {
      result: run,
      quantiles,
      raw,
    } = await runWrk(script, {
      baseUrl,
      connections: 4,
      durationS: 1,
      timeoutS: 10,
    });
    expect(run.requests).toBeGreaterThan(0);
    const grid = quantiles ?? [];
    expect(grid.map(([percent]) => percent)).toEqual(expect.arrayContaining([1, 50, 90, 98, 99, 99.9, 100]));
    expect(grid.every(([, value], i) => i === 0 || value >= (grid[i - 1]?.[1] ?? 0))).toBe(true);
    const values = weightedLatencies([{ requests: run.requests, quantiles: grid }]);
    expect(weightedPercentile(values, 50) / 1000).toBe(run.p50Ms);
    expect(weightedPercentile(values, 90) / 1000).toBe(run.p90Ms);
    expect(weightedPercentile(values, 99) / 1000).toBe(run.p99Ms);
    expect((grid[grid.length - 1]?.[1] ?? 0) / 1000).toBe(run.maxMs);
    expect(mergeSlices([{ result: run, quantiles: grid }])).toBe(run);
    expect(raw).not.toContain('latency-quantiles-us');
    expect(raw).toContain('"requests":');
  });

  it('opens every connection, pauses before its first request only, and counts RPS from the end of the pause', async () => {
    // Per connection: when the server accepted it, and when each of its requests arrived.
    const timeline = new Map<object, { accepted: number; requests: number[] }>();
    const paused = createServer((request, response) => {
      timeline.get(request.socket)?.requests.push(performance.now());
      response.end('{"ok":true}');
    });
    paused.on('connection', (socket) => timeline.set(socket, { accepted: performance.now(), requests: [] }));
    await new Promise<void>((resolve) => paused.listen(0, '127.0.0.1', resolve));
    try {
      const ping = SCENARIOS.find((s) => s.name === 'ping');
      if (ping === undefined) throw new Error('no ping scenario');
      const { result: run, raw } = await runWrk(writeWrkScript(ping, dir), {
        baseUrl: `http://127.0.0.1:${(paused.address() as AddressInfo).port}`,
        connections: 8,
        durationS: 1,
        timeoutS: 10,
      });
      // wrk also opens one connection of its own first, which sends nothing.
      const connections = [...timeline.values()].filter(({ requests }) => requests.length > 0);
      expect(connections).toHaveLength(8);
      for (const { accepted, requests } of connections) {
        // Timers may fire a little early or late; the pause is 100 ms.
        expect((requests[0] ?? 0) - accepted).toBeGreaterThan(FIRST_REQUEST_PAUSE_MS * 0.8);
        expect(requests.length).toBeGreaterThan(10);
        // Only the first request waits: the next ones follow their answers at once.
        const gaps = requests.slice(1).map((at, i) => at - (requests[i] ?? at));
        expect(Math.max(...gaps)).toBeLessThan(FIRST_REQUEST_PAUSE_MS / 2);
      }
      const durationUs = Number(/"duration_us":(\d+)/.exec(raw)?.[1]);
      expect(run.durationS).toBeCloseTo(durationUs / 1e6 - FIRST_REQUEST_PAUSE_MS / 1000, 6);
      expect(run.rps).toBeCloseTo(run.requests / run.durationS, 6);
    } finally {
      await new Promise((resolve) => paused.close(resolve));
    }
  });
});

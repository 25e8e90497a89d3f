import { describe, expect, it } from 'vitest';
import { estimateSeconds, readConfig, roundPlan } from '../driver/config.ts';
import {
  type BlockRecord,
  pairedRatio,
  type RunRecord,
  ratiosPerRepeat,
  summarize,
} from '../driver/results.ts';
import { configOf } from '../driver/write-report.ts';

const config = readConfig({ BENCH_SCENARIOS: 'ping,get_by_id_with_details', BENCH_CONCURRENCY: '20,100' });
const names = (cell: { apps: readonly { name: string }[] }): string => cell.apps.map((a) => a.name).join(' ');

describe('roundPlan', () => {
  it('measures every cell on every app that runs its scenario, the apps of a cell back to back', () => {
    const plan = roundPlan(config, 1);
    expect(plan.map((cell) => `${cell.scenario.name}@${cell.concurrency}`)).toEqual([
      'ping@20',
      'ping@100',
      'get_by_id_with_details@20',
      'get_by_id_with_details@100',
    ]);
    // loom-cached runs get_by_id only.
    expect(names(plan[0] ?? { apps: [] })).toBe('loom native loom-kernel');
    expect(plan[2]?.apps.map((a) => a.name)).toContain('loom-cached');
  });

  it('alternates the app order from cell to cell and from round to round', () => {
    const first = roundPlan(config, 1).map(names);
    const second = roundPlan(config, 2).map(names);
    expect(first[0]).toBe('loom native loom-kernel');
    expect(first[1]).toBe('loom-kernel native loom');
    expect(second[0]).toBe('loom-kernel native loom');
    expect(second[1]).toBe('loom native loom-kernel');
    expect(second[2]).toBe('loom-cached loom-kernel native loom');
  });
});

describe('warm-ups', () => {
  it("warms an app's first run of a scenario longer than the others, and counts it in the estimate", () => {
    const defaults = readConfig({ BENCH_SCENARIOS: 'ping', BENCH_APPS: 'loom', BENCH_CONCURRENCY: '20,100' });
    expect(defaults.warmupS).toBe(2);
    expect(defaults.firstWarmupS).toBe(8);
    const flat = readConfig({
      BENCH_SCENARIOS: 'ping',
      BENCH_APPS: 'loom',
      BENCH_CONCURRENCY: '20,100',
      BENCH_FIRST_WARMUP: '2',
    });
    expect(flat.firstWarmupS).toBe(2);
    // One app, one scenario, five rounds: the first run of each round warms 6 s longer.
    expect(defaults.repeats).toBe(5);
    expect(estimateSeconds(defaults) - estimateSeconds(flat)).toBe(5 * 6);
    expect(readConfig({ BENCH_QUICK: '1' }).firstWarmupS).toBe(1);
    expect(() => readConfig({ BENCH_FIRST_WARMUP: '0' })).toThrow(/BENCH_FIRST_WARMUP/);
  });

  it('cuts a measured run into slices of whole seconds, and refuses slices wrk cannot run', () => {
    expect(readConfig({}).slices).toBe(5);
    expect(readConfig({ BENCH_DURATION: '6', BENCH_SLICES: '3' }).slices).toBe(3);
    expect(readConfig({ BENCH_QUICK: '1' }).slices).toBe(1);
    expect(() => readConfig({ BENCH_DURATION: '5', BENCH_SLICES: '2' })).toThrow(/whole seconds/);
  });

  it("pauses 100 ms before each connection's first request unless told otherwise, and only within a slice", () => {
    expect(readConfig({}).firstRequestPauseMs).toBe(100);
    expect(readConfig({ BENCH_FIRST_REQUEST_PAUSE: '0' }).firstRequestPauseMs).toBe(0);
    expect(() => readConfig({ BENCH_FIRST_REQUEST_PAUSE: '-1' })).toThrow(/BENCH_FIRST_REQUEST_PAUSE/);
    expect(() => readConfig({ BENCH_FIRST_REQUEST_PAUSE: '1000' })).toThrow(/shorter than a slice/);
    // A summary saved before the pause existed renders as a run without it.
    const { firstRequestPauseMs: _pause, ...older } = readConfig({});
    expect(configOf(older).firstRequestPauseMs).toBe(0);
    expect(configOf(readConfig({})).firstRequestPauseMs).toBe(100);
  });
});

describe('ratiosPerRepeat', () => {
  const run = (app: string, repeat: number, rps: number, p99Ms = 2): RunRecord => ({
    app,
    repeat,
    scenario: 'ping',
    concurrency: 20,
    load: {
      tool: 'wrk',
      requests: rps,
      durationS: 1,
      rps,
      bytes: 0,
      p50Ms: 1,
      p90Ms: 2,
      p99Ms,
      maxMs: 3,
      meanMs: 1,
      non2xx: 0,
      non2xxCodes: {},
      socketErrors: 0,
      timeouts: 0,
    },
    rssKb: 0,
    hwmKb: 0,
    cpuMsPerRequest: 0,
    cpuPercentOfCore: 0,
    hostBusyPercent: 0,
  });
  const block = (app: string, repeat: number, runs: RunRecord[]): BlockRecord => ({
    app,
    repeat,
    startupMs: 0,
    rssReadyKb: 0,
    rssEndKb: 0,
    hwmKb: 0,
    runs,
  });

  it('pairs the two apps within each round and skips a round where one of them is missing', () => {
    const blocks = [
      block('native', 2, [run('native', 2, 200)]),
      block('loom', 1, [run('loom', 1, 90)]),
      block('native', 1, [run('native', 1, 100)]),
      block('loom', 2, [run('loom', 2, 300)]),
      block('loom', 3, [run('loom', 3, 50)]),
      block('native', 3, []),
    ];
    expect(ratiosPerRepeat(blocks, 'loom', 'native', 'ping', 20)).toEqual([0.9, 1.5]);
  });

  it("gives a cell the median of its rounds' ratios, which can differ from the ratio of the two medians", () => {
    // The machine is fast in round 1 and slow in rounds 2 and 3; loom is a little behind in each round.
    const blocks = [
      block('loom', 1, [run('loom', 1, 1900, 10)]),
      block('native', 1, [run('native', 1, 2000, 8)]),
      block('loom', 2, [run('loom', 2, 950, 20)]),
      block('native', 2, [run('native', 2, 1000, 40)]),
      block('loom', 3, [run('loom', 3, 1000, 30)]),
      block('native', 3, [run('native', 3, 1900, 20)]),
    ];
    expect(pairedRatio(blocks, 'loom', 'native', 'ping', 20)).toBeCloseTo(0.95, 10);
    // Medians: loom 1000 (round 3), native 1900 (round 3): a ratio of medians would say 0.53 here.
    const loom = summarize(blocks, 'loom', 'ping', 20);
    const native = summarize(blocks, 'native', 'ping', 20);
    expect((loom?.rps ?? 0) / (native?.rps ?? 1)).toBeCloseTo(1000 / 1900, 10);
    // p99 per round: 10/8, 20/40, 30/20 → 1.25, 0.5, 1.5 → median 1.25.
    expect(pairedRatio(blocks, 'loom', 'native', 'ping', 20, 'p99Ms')).toBeCloseTo(1.25, 10);
    expect(pairedRatio(blocks, 'loom', 'missing', 'ping', 20)).toBeNaN();
  });
});

import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SeriesCounter, SeriesHistogram } from './series-metrics.ts';

const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const labelNames = ['method', 'route', 'status'] as const;

/** The same observations into prom-client's Histogram and into a SeriesHistogram, each on its own registry. */
function histograms() {
  const theirs = new Registry();
  const ours = new Registry();
  const reference = new Histogram({
    name: 'd_seconds',
    help: 'help',
    labelNames,
    buckets,
    registers: [theirs],
  });
  const histogram = new SeriesHistogram({
    name: 'd_seconds',
    help: 'help',
    labelNames,
    buckets,
    registers: [ours],
  });
  const observe = (labels: { method: string; route: string; status: string }, value: number) => {
    reference.observe(labels, value);
    histogram.series(labels).observe(value);
  };
  return { theirs, ours, reference, histogram, observe };
}

describe('SeriesHistogram', () => {
  it("writes the same Prometheus text as prom-client's Histogram, bucket edges and +Inf included", async () => {
    const { theirs, ours, observe } = histograms();
    const ok = { method: 'GET', route: '/products/{id}', status: '200' };
    const missing = { method: 'GET', route: '/products/{id}', status: '404' };
    // On an edge (le is inclusive), between edges, above the last one.
    for (const v of [0.001, 0.0011, 0.0042, 0.25, 12]) observe(ok, v);
    observe(missing, 0.003);
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('d_seconds_bucket{le="0.001",method="GET",route="/products/{id}",status="200"} 1');
    expect(text).toContain('d_seconds_bucket{le="+Inf",method="GET",route="/products/{id}",status="200"} 5');
    expect(text).toContain('d_seconds_count{method="GET",route="/products/{id}",status="404"} 1');
  });

  it('matches prom-client in JSON, with default labels and after a reset', async () => {
    const { theirs, ours, reference, histogram, observe } = histograms();
    theirs.setDefaultLabels({ service: 'store' });
    ours.setDefaultLabels({ service: 'store' });
    const labels = { method: 'POST', route: '/products', status: '201' };
    const kept = histogram.series(labels);
    observe(labels, 0.02);
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    expect(await ours.metrics()).toBe(await theirs.metrics());
    reference.reset();
    histogram.reset();
    // Emptied series are not written (prom-client drops them); a series kept by a caller counts again.
    expect(await ours.metrics()).toBe(await theirs.metrics());
    reference.observe(labels, 0.3);
    kept.observe(0.3);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('aggregates across workers like prom-client (cluster mode sums the series)', async () => {
    const { ours, observe } = histograms();
    const labels = { method: 'GET', route: '/x', status: '200' };
    observe(labels, 0.004);
    const worker = await ours.getMetricsAsJSON();
    const merged = AggregatorRegistry.aggregate([worker, worker]);
    expect(await merged.metrics()).toContain('d_seconds_count{method="GET",route="/x",status="200"} 2');
  });

  it('returns one series per label set and refuses unknown labels, le and values that are not finite', () => {
    const { histogram } = histograms();
    const a = histogram.series({ method: 'GET', route: '/a', status: '200' });
    expect(histogram.series({ status: '200', route: '/a', method: 'GET' })).toBe(a);
    expect(histogram.series({ method: 'GET', route: '/a', status: '500' })).not.toBe(a);
    // A label left out is not another label's value: these two are different series.
    const partial = { method: 'GET', status: '200' } as never;
    expect(histogram.series(partial)).not.toBe(histogram.series({ method: 'GET', route: '200' } as never));
    expect(() => histogram.series({ method: 'GET', route: '/a', status: '200', user: 'x' } as never)).toThrow(
      'unknown label "user"',
    );
    expect(() => a.observe(Number.NaN)).toThrow(TypeError);
    expect(
      () => new SeriesHistogram({ name: 'h', help: 'h', labelNames: ['le'], buckets: [1], registers: [] }),
    ).toThrow('reserved');
  });
});

describe('SeriesCounter', () => {
  it("writes what prom-client's Counter writes, text and JSON, and refuses negative increments", async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const names = ['job', 'event'] as const;
    const reference = new Counter({
      name: 'jobs_total',
      help: 'events',
      labelNames: names,
      registers: [theirs],
    });
    const counter = new SeriesCounter({
      name: 'jobs_total',
      help: 'events',
      labelNames: names,
      registers: [ours],
    });
    const succeeded = counter.series({ job: 'SendEmail', event: 'succeeded' });
    for (let i = 0; i < 3; i++) {
      reference.inc({ job: 'SendEmail', event: 'succeeded' });
      succeeded.inc();
    }
    reference.inc({ job: 'SendEmail', event: 'failed' }, 2);
    counter.inc({ job: 'SendEmail', event: 'failed' }, 2);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('jobs_total{job="SendEmail",event="succeeded"} 3');
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    expect(() => succeeded.inc(-1)).toThrow(TypeError);
    counter.reset();
    reference.reset();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});

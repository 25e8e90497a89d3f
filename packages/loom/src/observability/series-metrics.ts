import type { Registry } from 'prom-client';

/**
 * Prometheus counters and histograms whose label sets are bound once. prom-client's `observe(labels, v)`
 * checks the label names, builds a string key from the values and looks it up on every call (about 3 µs
 * each, two or three times per request or job: bench/ANALYSIS.md). Here a caller asks for a series once
 * (`series(labels)`), keeps it (per route, per use case, per job), and each observation is a bucket
 * search and two additions. The metrics register on a prom-client `Registry` through its metric
 * interface (`get`, `getForPromString`, `reset`), so `/metrics` is written by prom-client exactly as for
 * its own metrics, default labels and cluster aggregation included.
 */

/** Label values by label name. */
export type LabelValues<L extends string> = { readonly [K in L]: string };

/** What prom-client's registry reads from a metric (its `MetricObjectWithValues`). */
interface MetricValue {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly metricName?: string;
  readonly sharedLabels?: Record<string, string>;
  readonly exemplar?: null;
}
interface MetricObject {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly values: MetricValue[];
  readonly aggregator: 'sum';
}

interface SeriesMetricOptions<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly registers?: readonly Registry[];
}

/** Label values in declaration order, checked once per series. */
function checkedLabels<L extends string>(
  metric: string,
  names: readonly L[],
  labels: LabelValues<L>,
): Record<string, string> {
  const given = Object.keys(labels);
  const unknown = given.find((k) => !names.includes(k as L));
  if (unknown !== undefined) throw new Error(`Metric ${metric}: unknown label "${unknown}"`);
  const ordered: Record<string, string> = {};
  for (const name of names) {
    const value = labels[name];
    if (value !== undefined) ordered[name] = String(value);
  }
  return ordered;
}

/** The lookup key of a label set (values in label order; a NUL cannot occur in a label value). */
const keyOf = (labels: Record<string, string>): string => Object.values(labels).join('\u0000');

/** A metric's series by label set, each made on first use (the labels checked then, once). */
class SeriesTable<L extends string, S> {
  readonly #byKey = new Map<string, S>();
  readonly #metric: string;
  readonly #labelNames: readonly L[];
  readonly #make: (labels: Record<string, string>) => S;

  constructor(metric: string, labelNames: readonly L[], make: (labels: Record<string, string>) => S) {
    this.#metric = metric;
    this.#labelNames = labelNames;
    this.#make = make;
  }

  get(labels: LabelValues<L>): S {
    const ordered = checkedLabels(this.#metric, this.#labelNames, labels);
    const key = keyOf(ordered);
    let series = this.#byKey.get(key);
    if (series === undefined) {
      series = this.#make(ordered);
      this.#byKey.set(key, series);
    }
    return series;
  }

  values(): IterableIterator<S> {
    return this.#byKey.values();
  }
}

/** One label set of a {@link SeriesCounter}. */
export class CounterSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Counted since start or the last reset; undefined: nothing yet (not exposed, as prom-client does). */
  value: number | undefined;

  constructor(labels: Record<string, string>) {
    this.labels = labels;
  }

  /** Adds `amount` (default 1; must be ≥ 0). */
  inc(amount = 1): void {
    if (!(amount >= 0) || !Number.isFinite(amount))
      throw new TypeError(`Counter increment must be a finite number ≥ 0, got ${amount}`);
    this.value = (this.value ?? 0) + amount;
  }
}

/**
 * A Prometheus counter with bound label sets.
 *
 * @example
 * ```ts
 * const jobs = new SeriesCounter({
 *   name: 'loom_jobs_total',
 *   help: 'Job events',
 *   labelNames: ['job', 'event'],
 *   registers: [registry],
 * });
 * const succeeded = jobs.series({ job: 'SendEmail', event: 'succeeded' });
 * succeeded.inc();
 * ```
 */
export class SeriesCounter<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'counter';
  readonly aggregator = 'sum';
  readonly labelNames: readonly L[];
  readonly #series: SeriesTable<L, CounterSeries>;

  constructor(options: SeriesMetricOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.#series = new SeriesTable(options.name, options.labelNames, (labels) => new CounterSeries(labels));
    for (const registry of options.registers ?? []) registry.registerMetric(this as never);
  }

  /** The series of `labels`, made on first use; keep it and call `inc` on it. */
  series(labels: LabelValues<L>): CounterSeries {
    return this.#series.get(labels);
  }

  /** `series(labels).inc(amount)`, for a caller that does not keep the series. */
  inc(labels: LabelValues<L>, amount = 1): void {
    this.series(labels).inc(amount);
  }

  /** Forgets every value (series kept by callers start again from nothing). */
  reset(): void {
    for (const series of this.#series.values()) series.value = undefined;
  }

  get(): Promise<MetricObject> {
    const values: MetricValue[] = [];
    for (const series of this.#series.values()) {
      if (series.value !== undefined) values.push({ value: series.value, labels: { ...series.labels } });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' });
  }
}

/** One label set of a {@link SeriesHistogram}. */
export class HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly #bounds: readonly number[];
  /** Observations per bucket (not cumulative), the last one for +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(labels: Record<string, string>, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one observation (seconds, for a duration). */
  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Histogram value must be a finite number, got ${value}`);
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }

  /** Back to no observations. */
  clear(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/**
 * A Prometheus histogram with bound label sets: the same exposition as prom-client's `Histogram`
 * (cumulative `_bucket` lines with `le`, then `_sum` and `_count`, per label set in order of first use).
 *
 * @example
 * ```ts
 * const duration = new SeriesHistogram({
 *   name: 'http_request_duration_seconds',
 *   help: 'HTTP request duration',
 *   labelNames: ['method', 'route', 'status'],
 *   buckets: [0.005, 0.05, 0.5],
 *   registers: [registry],
 * });
 * const ok = duration.series({ method: 'GET', route: '/products/{id}', status: '200' });
 * ok.observe(0.0042);
 * ```
 */
export class SeriesHistogram<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly labelNames: readonly L[];
  readonly buckets: readonly number[];
  readonly #series: SeriesTable<L, HistogramSeries>;

  constructor(options: SeriesMetricOptions<L> & { readonly buckets: readonly number[] }) {
    if ((options.labelNames as readonly string[]).includes('le'))
      throw new Error('le is a reserved label keyword');
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    const buckets = [...options.buckets].sort((a, b) => a - b);
    this.buckets = buckets;
    this.#series = new SeriesTable(
      options.name,
      options.labelNames,
      (labels) => new HistogramSeries(labels, buckets),
    );
    for (const registry of options.registers ?? []) registry.registerMetric(this as never);
  }

  /** The series of `labels`, made on first use; keep it and call `observe` on it. */
  series(labels: LabelValues<L>): HistogramSeries {
    return this.#series.get(labels);
  }

  /** `series(labels).observe(value)`, for a caller that does not keep the series. */
  observe(labels: LabelValues<L>, value: number): void {
    this.series(labels).observe(value);
  }

  /** Forgets every observation (series kept by callers start again from nothing). */
  reset(): void {
    for (const series of this.#series.values()) series.clear();
  }

  /** The exposition with each series' labels apart (`sharedLabels`), as prom-client's registry reads it. */
  getForPromString(): Promise<MetricObject> {
    return Promise.resolve(this.#snapshot(false));
  }

  /** The same with every label on each value (`getMetricsAsJSON`, cluster aggregation). */
  get(): Promise<MetricObject> {
    return Promise.resolve(this.#snapshot(true));
  }

  #snapshot(splay: boolean): MetricObject {
    const bucketName = `${this.name}_bucket`;
    const values: MetricValue[] = [];
    // Buckets carry `exemplar: null` as prom-client's do (exemplars are not kept here).
    const value = (
      labels: Record<string, string | number>,
      v: number,
      metricName: string,
      shared: Record<string, string>,
      bucket: boolean,
    ) => {
      const entry: MetricValue = splay
        ? { value: v, labels: { ...shared, ...labels }, metricName }
        : { value: v, labels, metricName, sharedLabels: shared };
      values.push(bucket ? { ...entry, exemplar: null } : entry);
    };
    for (const series of this.#series.values()) {
      if (series.count === 0) continue;
      const shared = { ...series.labels };
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += series.counts[i] as number;
        value({ le: bound }, cumulative, bucketName, shared, true);
      });
      value({ le: '+Inf' }, series.count, bucketName, shared, true);
      value({}, series.sum, `${this.name}_sum`, shared, false);
      value({}, series.count, `${this.name}_count`, shared, false);
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

import type { Registry } from 'prom-client';

/**
 * Prometheus counters and histograms whose series are found without building a key. prom-client's
 * `observe(labels, v)` builds a string key from the label values and looks it up on every call (about
 * 3 µs each, two or three times per request or job: bench/ANALYSIS.md). Here the series of a label set
 * is found by one `Map` read per label value ({@link SeriesTable}), and an observation is a bucket search
 * and two additions; `series(labels)` returns the series for a caller that observes it many times. The
 * metrics register on a prom-client `Registry` through its metric interface (`get`, `getForPromString`,
 * `reset`), so `/metrics` is written by prom-client exactly as for its own metrics, default labels and
 * cluster aggregation included.
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

/** A level of a {@link SeriesTable}: the next label's value → the next level, or the series at the last. */
type SeriesLevel = Map<string | undefined, unknown>;

/**
 * A metric's series by label set, made on first use. A lookup walks one `Map` per label by its value
 * (label values are mostly constants or declaration names, whose hashes V8 keeps), so a caller can ask
 * for its series on every observation: no key string is built and nothing is sorted. The label names
 * are checked on every lookup (a `Set` read each), as prom-client does.
 */
class SeriesTable<L extends string, S> {
  readonly #metric: string;
  readonly #names: readonly L[];
  readonly #known: ReadonlySet<string>;
  readonly #make: (labels: Record<string, string>) => S;
  readonly #root: SeriesLevel = new Map();
  /** Every series, in order of first use (the order of the exposition). */
  readonly #all: S[] = [];

  constructor(metric: string, names: readonly L[], make: (labels: Record<string, string>) => S) {
    this.#metric = metric;
    this.#names = names;
    this.#known = new Set(names);
    this.#make = make;
  }

  get(labels: LabelValues<L>): S {
    for (const name in labels) {
      if (!this.#known.has(name)) throw new Error(`Metric ${this.#metric}: unknown label "${name}"`);
    }
    const names = this.#names;
    let level = this.#root;
    for (let i = 0; i < names.length - 1; i++) {
      const value = labels[names[i] as L];
      let next = level.get(value) as SeriesLevel | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    const last = names.length === 0 ? undefined : labels[names[names.length - 1] as L];
    let series = level.get(last) as S | undefined;
    if (series === undefined) {
      series = this.#make(this.#ordered(labels));
      level.set(last, series);
      this.#all.push(series);
    }
    return series;
  }

  values(): readonly S[] {
    return this.#all;
  }

  /** The given label values in declaration order, as strings (a missing label is left out). */
  #ordered(labels: LabelValues<L>): Record<string, string> {
    const ordered: Record<string, string> = {};
    for (const name of this.#names) {
      const value = labels[name];
      if (value !== undefined) ordered[name] = String(value);
    }
    return ordered;
  }
}

/**
 * What a counter and a histogram share: name, help, label names, their series by label set, and their
 * registration (prom-client's `registerMetric` reads only the name, so it may run before a subclass's
 * own fields are set).
 */
abstract class SeriesMetric<L extends string, S> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum';
  readonly labelNames: readonly L[];
  protected readonly table: SeriesTable<L, S>;

  constructor(options: SeriesMetricOptions<L>, make: (labels: Record<string, string>) => S) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.table = new SeriesTable(options.name, options.labelNames, make);
    for (const registry of options.registers ?? []) registry.registerMetric(this as never);
  }

  /** The series of `labels`, made on first use; a caller may keep it and observe it directly. */
  series(labels: LabelValues<L>): S {
    return this.table.get(labels);
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
export class SeriesCounter<L extends string = string> extends SeriesMetric<L, CounterSeries> {
  readonly type = 'counter';

  constructor(options: SeriesMetricOptions<L>) {
    super(options, (labels) => new CounterSeries(labels));
  }

  /** `series(labels).inc(amount)`, for a caller that does not keep the series. */
  inc(labels: LabelValues<L>, amount = 1): void {
    this.series(labels).inc(amount);
  }

  /** Forgets every value (series kept by callers start again from nothing). */
  reset(): void {
    for (const series of this.table.values()) series.value = undefined;
  }

  get(): Promise<MetricObject> {
    const values: MetricValue[] = [];
    for (const series of this.table.values()) {
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
export class SeriesHistogram<L extends string = string> extends SeriesMetric<L, HistogramSeries> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];

  constructor(options: SeriesMetricOptions<L> & { readonly buckets: readonly number[] }) {
    if ((options.labelNames as readonly string[]).includes('le'))
      throw new Error('le is a reserved label keyword');
    const buckets = [...options.buckets].sort((a, b) => a - b);
    super(options, (labels) => new HistogramSeries(labels, buckets));
    this.buckets = buckets;
  }

  /** `series(labels).observe(value)`, for a caller that does not keep the series. */
  observe(labels: LabelValues<L>, value: number): void {
    this.series(labels).observe(value);
  }

  /** Forgets every observation (series kept by callers start again from nothing). */
  reset(): void {
    for (const series of this.table.values()) series.clear();
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
    for (const series of this.table.values()) {
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

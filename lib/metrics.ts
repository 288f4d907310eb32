/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * Prometheus text exposition format (version 0.0.4). The inspector serves it at `/metrics`; the
 * agent's actors feed it (requests by state, fills, claims, tx failures, RPC latency, …).
 *
 * @example
 * ```ts
 * const metrics = new MetricsRegistry();
 * const fills = metrics.counter("tern_fills_total", "Fills sent", ["chain"]);
 * fills.inc({ chain: "10" });
 * console.log(metrics.render());
 * ```
 *
 * @module
 */

import type { RuntimeMetrics } from "./runtime/metrics.ts";

/** Label values by label name. */
export type Labels = Readonly<Record<string, string | number>>;

/** Default histogram buckets (seconds), suited to RPC and commit latencies. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function fmt(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  if (Number.isNaN(n)) return "NaN";
  return String(n);
}

/** The common shape of every metric: a name, help text, label names and its samples. */
export abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME_RE.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    for (const l of labelNames) {
      if (!LABEL_RE.test(l)) throw new Error(`invalid label name ${JSON.stringify(l)} on ${name}`);
    }
  }

  abstract readonly type: "counter" | "gauge" | "histogram";

  /** The label set as a stable map key and its rendered `{a="1"}` form. */
  protected key(labels: Labels = {}): string {
    const parts: string[] = [];
    for (const l of this.labelNames) {
      const v = labels[l];
      if (v === undefined) throw new Error(`metric ${this.name} needs label ${l}`);
      parts.push(`${l}="${escapeLabel(String(v))}"`);
    }
    for (const l of Object.keys(labels)) {
      if (!this.labelNames.includes(l)) throw new Error(`metric ${this.name} has no label ${l}`);
    }
    return parts.join(",");
  }

  /** The sample lines of this metric (without HELP/TYPE). */
  abstract lines(): string[];

  /** HELP, TYPE and samples. */
  render(): string {
    const help = this.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
    return [`# HELP ${this.name} ${help}`, `# TYPE ${this.name} ${this.type}`, ...this.lines()]
      .join("\n");
  }
}

function sample(name: string, key: string, value: number): string {
  return key === "" ? `${name} ${fmt(value)}` : `${name}{${key}} ${fmt(value)}`;
}

/** A monotonically increasing count. */
export class Counter extends Metric {
  readonly type = "counter" as const;
  readonly #values = new Map<string, number>();

  /** Adds `by` (default 1, must be ≥ 0) to the labelled series. */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter ${this.name} cannot decrease (by ${by})`);
    const k = this.key(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + by);
  }

  /** Sets the series to an externally kept monotonic total (e.g. runtime counters). */
  setTotal(labels: Labels, total: number): void {
    this.#values.set(this.key(labels), total);
  }

  /** The current value of a series (0 when never touched). */
  get(labels: Labels = {}): number {
    return this.#values.get(this.key(labels)) ?? 0;
  }

  lines(): string[] {
    return [...this.#values].map(([k, v]) => sample(this.name, k, v));
  }
}

/** A value that goes up and down. */
export class Gauge extends Metric {
  readonly type = "gauge" as const;
  readonly #values = new Map<string, number>();

  /** Sets the labelled series. */
  set(labels: Labels, value: number): void {
    this.#values.set(this.key(labels), value);
  }

  /** Adds `by` (may be negative). */
  inc(labels: Labels = {}, by = 1): void {
    const k = this.key(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + by);
  }

  /** Forgets every series (before re-filling a gauge set from a snapshot, e.g. by state). */
  reset(): void {
    this.#values.clear();
  }

  /** The current value (0 when never set). */
  get(labels: Labels = {}): number {
    return this.#values.get(this.key(labels)) ?? 0;
  }

  lines(): string[] {
    return [...this.#values].map(([k, v]) => sample(this.name, k, v));
  }
}

interface HistSeries {
  counts: number[];
  sum: number;
  count: number;
}

/** Observations counted into cumulative buckets. */
export class Histogram extends Metric {
  readonly type = "histogram" as const;
  readonly buckets: readonly number[];
  readonly #series = new Map<string, HistSeries>();

  constructor(name: string, help: string, labelNames: readonly string[], buckets: number[]) {
    super(name, help, labelNames);
    this.buckets = [...buckets].sort((a, b) => a - b);
    if (labelNames.includes("le")) throw new Error(`histogram ${name} cannot use label "le"`);
  }

  /** Records one observation. */
  observe(labels: Labels, value: number): void {
    const k = this.key(labels);
    let s = this.#series.get(k);
    if (!s) this.#series.set(k, s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 });
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  /** Count and sum of a series. */
  get(labels: Labels = {}): { count: number; sum: number } {
    const s = this.#series.get(this.key(labels));
    return { count: s?.count ?? 0, sum: s?.sum ?? 0 };
  }

  lines(): string[] {
    const out: string[] = [];
    for (const [k, s] of this.#series) {
      const pre = k === "" ? "" : `${k},`;
      this.buckets.forEach((b, i) =>
        out.push(`${this.name}_bucket{${pre}le="${fmt(b)}"} ${s.counts[i]}`)
      );
      out.push(`${this.name}_bucket{${pre}le="+Inf"} ${s.count}`);
      out.push(sample(`${this.name}_sum`, k, s.sum));
      out.push(sample(`${this.name}_count`, k, s.count));
    }
    return out;
  }
}

/**
 * The set of metrics one process exposes. Registering a name twice returns the first metric
 * when the type and labels agree, so actors may register on start-up without coordination.
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();
  readonly #collectors: (() => void)[] = [];

  #get<M extends Metric>(name: string, make: () => M, type: string, labels: readonly string[]) {
    const found = this.#metrics.get(name);
    if (found) {
      if (found.type !== type || found.labelNames.join() !== labels.join()) {
        throw new Error(`metric ${name} is already registered as another ${found.type}`);
      }
      return found as M;
    }
    const m = make();
    this.#metrics.set(name, m);
    return m;
  }

  /** A counter (created on first use). */
  counter(name: string, help: string, labels: readonly string[] = []): Counter {
    return this.#get(name, () => new Counter(name, help, labels), "counter", labels);
  }

  /** A gauge (created on first use). */
  gauge(name: string, help: string, labels: readonly string[] = []): Gauge {
    return this.#get(name, () => new Gauge(name, help, labels), "gauge", labels);
  }

  /** A histogram (created on first use); `buckets` default to {@link DEFAULT_BUCKETS}. */
  histogram(
    name: string,
    help: string,
    labels: readonly string[] = [],
    buckets: number[] = DEFAULT_BUCKETS,
  ): Histogram {
    return this.#get(name, () => new Histogram(name, help, labels, buckets), "histogram", labels);
  }

  /** Whether a metric of this name is registered. */
  has(name: string): boolean {
    return this.#metrics.has(name);
  }

  /** Adds a metric rendered by its own code (e.g. a view over counters kept elsewhere). */
  register(metric: Metric): void {
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} already exists`);
    this.#metrics.set(metric.name, metric);
  }

  /** Registers a function run before each rendering (to copy totals kept elsewhere). */
  collect(fn: () => void): void {
    this.#collectors.push(fn);
  }

  /** Every metric in the Prometheus text format, ending with a newline. */
  render(): string {
    for (const c of this.#collectors) c();
    const parts = [...this.#metrics.values()].map((m) => m.render());
    return parts.length === 0 ? "" : parts.join("\n") + "\n";
  }
}

/** The content type of {@link MetricsRegistry.render}'s output. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * Well-known metric names the agent feeds, so every producer uses the same name and labels.
 */
export function agentMetrics(reg: MetricsRegistry) {
  return {
    requests: reg.gauge("tern_requests", "Requests by state", ["state"]),
    fills: reg.counter("tern_fills_total", "Fills sent", ["chain", "result"]),
    claims: reg.counter("tern_claims_total", "Claims made", ["chain"]),
    challenges: reg.counter("tern_challenges_total", "Challenges sent", ["chain"]),
    withdrawals: reg.counter("tern_withdrawals_total", "Withdrawals sent", ["chain"]),
    txFailures: reg.counter("tern_tx_failures_total", "Transactions that failed", [
      "chain",
      "reason",
    ]),
    rpcLatency: reg.histogram("tern_rpc_latency_seconds", "RPC call latency", ["chain"]),
    outboxDepth: reg.gauge("tern_outbox_depth", "Coordinator outbox messages not acknowledged"),
  };
}

/**
 * Exposes an actor system's runtime counters (messages, failures, restarts, commits, commit
 * latency, actors, mailbox depth) through `reg`, refreshed on each rendering. A second call on
 * the same registry does nothing.
 */
export function exposeRuntimeMetrics(
  reg: MetricsRegistry,
  source: { metrics: RuntimeMetrics; counts: { active: number; passive: number; timers: number } },
  mailboxDepth: () => number = () => 0,
): void {
  // Once per registry: a restarted inspector reuses the registry of the process.
  if (reg.has("tern_kv_commit_latency_seconds")) return;
  const c = (n: string, h: string) => reg.counter(n, h);
  const messages = c("tern_actor_messages_total", "Messages handled by actors");
  const failures = c("tern_actor_failures_total", "Actor handler failures");
  const restarts = c("tern_actor_restarts_total", "Actor restarts");
  const escalations = c("tern_actor_escalations_total", "Failures escalated past a supervisor");
  const dead = c("tern_actor_dead_letters_total", "Messages to paths with no actor");
  const writeFailures = c("tern_kv_write_failures_total", "Snapshots that could not be written");
  const commits = c("tern_kv_commits_total", "KV commits of snapshots");
  const written = c("tern_kv_snapshots_written_total", "Snapshot mutations committed");
  const actors = reg.gauge("tern_actors", "Actors by status", ["status"]);
  const timers = reg.gauge("tern_actor_timers", "Armed actor timers");
  const mailbox = reg.gauge("tern_mailbox_depth", "Messages waiting in actor mailboxes");
  const commitHist = "tern_kv_commit_latency_seconds";
  reg.collect(() => {
    const m = source.metrics;
    messages.setTotal({}, m.messages);
    failures.setTotal({}, m.failures);
    restarts.setTotal({}, m.restarts);
    escalations.setTotal({}, m.escalations);
    dead.setTotal({}, m.deadLetters);
    writeFailures.setTotal({}, m.writeFailures);
    commits.setTotal({}, m.commits);
    written.setTotal({}, m.snapshotsWritten);
    const counts = source.counts;
    actors.set({ status: "active" }, counts.active);
    actors.set({ status: "passive" }, counts.passive);
    timers.set({}, counts.timers);
    mailbox.set({}, mailboxDepth());
  });
  // The runtime keeps its own commit histogram in ms; render it as-is in seconds.
  reg.register(new RuntimeCommitHistogram(commitHist, source.metrics));
}

/** Renders {@link RuntimeMetrics}' commit buckets (ms) as a Prometheus histogram (seconds). */
class RuntimeCommitHistogram extends Metric {
  readonly type = "histogram" as const;
  constructor(name: string, readonly m: RuntimeMetrics) {
    super(name, "KV snapshot commit latency", []);
  }
  lines(): string[] {
    const out: string[] = [];
    let cum = 0;
    this.m.commitBuckets.forEach((b, i) => {
      cum += this.m.commitCounts[i];
      out.push(`${this.name}_bucket{le="${fmt(b / 1000)}"} ${cum}`);
    });
    out.push(`${this.name}_bucket{le="+Inf"} ${this.m.commits}`);
    out.push(`${this.name}_sum ${fmt(this.m.commitMsTotal / 1000)}`);
    out.push(`${this.name}_count ${this.m.commits}`);
    return out;
  }
}

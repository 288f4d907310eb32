/** The Prometheus registry: counters, gauges, histograms with labels, text rendering. */

import assert from "node:assert/strict";
import { agentMetrics, MetricsRegistry } from "../../lib/metrics.ts";

Deno.test("counters, gauges and histograms render in the Prometheus text format", () => {
  const reg = new MetricsRegistry();
  const m = agentMetrics(reg);
  m.fills.inc({ chain: "10", result: "ok" });
  m.fills.inc({ chain: "10", result: "ok" }, 2);
  m.requests.set({ state: "filled" }, 4);
  m.rpcLatency.observe({ chain: "10" }, 0.03);
  m.rpcLatency.observe({ chain: "10" }, 7);
  const esc = reg.counter("tern_test_total", "Escapes", ["v"]);
  esc.inc({ v: 'a"b\\c\nd' });
  const text = reg.render();
  assert.match(text, /^# HELP tern_fills_total Fills sent$/m);
  assert.match(text, /^# TYPE tern_fills_total counter$/m);
  assert.match(text, /^tern_fills_total\{chain="10",result="ok"\} 3$/m);
  assert.match(text, /^tern_requests\{state="filled"\} 4$/m);
  assert.match(text, /^tern_rpc_latency_seconds_bucket\{chain="10",le="0.025"\} 0$/m);
  assert.match(text, /^tern_rpc_latency_seconds_bucket\{chain="10",le="0.05"\} 1$/m);
  assert.match(text, /^tern_rpc_latency_seconds_bucket\{chain="10",le="10"\} 2$/m);
  assert.match(text, /^tern_rpc_latency_seconds_bucket\{chain="10",le="\+Inf"\} 2$/m);
  assert.match(text, /^tern_rpc_latency_seconds_sum\{chain="10"\} 7.03$/m);
  assert.match(text, /^tern_rpc_latency_seconds_count\{chain="10"\} 2$/m);
  assert.ok(text.includes('tern_test_total{v="a\\"b\\\\c\\nd"} 1'));
  assert.ok(text.endsWith("\n"));
});

Deno.test("misuse is refused with the metric named", () => {
  const reg = new MetricsRegistry();
  const c = reg.counter("tern_x_total", "x", ["chain"]);
  assert.equal(reg.counter("tern_x_total", "x", ["chain"]), c);
  assert.throws(() => reg.gauge("tern_x_total", "x"), /already registered as another counter/);
  assert.throws(() => c.inc({ chain: 1 }, -1), /cannot decrease/);
  assert.throws(() => c.inc({}), /needs label chain/);
  assert.throws(() => c.inc({ chain: 1, other: 2 }), /has no label other/);
  assert.throws(() => reg.counter("bad-name", "x"), /invalid metric name/);
  assert.throws(() => reg.histogram("tern_h", "h", ["le"]), /cannot use label "le"/);
});

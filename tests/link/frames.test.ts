import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type AgentFrame,
  agentFrame,
  type CoordinatorFrame,
  coordinatorFrame,
  decodeFrame,
  encodeFrame,
  utf8ByteLength,
} from "../../lib/link/mod.ts";

const LP = "0x" + "ab".repeat(20);

const agentSamples: AgentFrame[] = [
  agentFrame("hello", {
    agentId: "lp-1",
    version: "0.1.0",
    chains: [{ chainId: 10, name: "optimism" }],
    lpAddress: LP,
    streamId: "abc_DEF-1",
    lastAckedSeq: 0,
    token: "secret",
  }),
  agentFrame("status", {
    kind: "request",
    id: "0x01",
    state: "filled",
    chainId: 10,
    at: "2026-01-02T03:04:05.000Z",
    details: { amount: "100", nested: { x: [1, 2] } },
  }, 1),
  agentFrame("spec", {
    balances: [{ chainId: 10, token: LP, symbol: "USDC", amount: "1500000" }],
    chains: [{ chainId: 10, name: "optimism" }],
    config: { minFee: "0.1" },
  }),
  agentFrame("metrics", { values: { filled_total: 3, lag_seconds: 0.5 } }, 4),
  agentFrame("heartbeat", { sentAt: 1700000000000, outboxDepth: 12 }),
  agentFrame("pong", { sentAt: 5 }),
  agentFrame("command_result", { id: "c1", ok: false, detail: "unknown chain" }),
];

const coordinatorSamples: CoordinatorFrame[] = [
  coordinatorFrame("welcome", { lastReceivedSeq: 41 }),
  coordinatorFrame("ack", { seq: 42 }),
  coordinatorFrame("command", { id: "c1", command: { kind: "pause_chain", chainId: 10 } }),
  coordinatorFrame("command", { id: "c2", command: { kind: "resync" } }),
  coordinatorFrame("ping", { sentAt: 1 }),
  coordinatorFrame("pong", { sentAt: 1, receivedAt: 2 }),
  coordinatorFrame("error", { reason: "bad_auth", message: "unknown token" }),
];

Deno.test("every agent frame type survives an encode/decode round trip", () => {
  for (const frame of agentSamples) {
    const result = decodeFrame(encodeFrame(frame), "agent");
    assert.deepEqual(result, { ok: true, frame });
  }
});

Deno.test("every coordinator frame type survives an encode/decode round trip", () => {
  for (const frame of coordinatorSamples) {
    const result = decodeFrame(encodeFrame(frame), "coordinator");
    assert.deepEqual(result, { ok: true, frame });
  }
});

Deno.test("a frame given as UTF-8 bytes decodes like its text", () => {
  const bytes = new TextEncoder().encode(encodeFrame(agentSamples[1]));
  const result = decodeFrame(bytes.buffer, "agent");
  assert.deepEqual(result, { ok: true, frame: agentSamples[1] });
});

/** The decoder's own steps must handle the input; its catch-all is a last resort. */
function assertHandled(r: ReturnType<typeof decodeFrame>): void {
  if (!r.ok) assert.doesNotMatch(r.detail, /^decoder failure/);
}

function reasonOf(raw: string | ArrayBuffer, sender: "agent" | "coordinator", max?: number) {
  const result = decodeFrame(raw, sender, max);
  assert.equal(result.ok, false, `expected a rejection of ${String(raw).slice(0, 80)}`);
  return result.ok ? undefined : result.reason;
}

Deno.test("text that is not JSON is rejected as invalid_json", () => {
  assert.equal(reasonOf("{nope", "agent"), "invalid_json");
  assert.equal(reasonOf("", "coordinator"), "invalid_json");
  assert.equal(reasonOf(new Uint8Array([0xff, 0xfe]).buffer, "agent"), "invalid_json");
});

Deno.test("a frame with another protocol version is rejected as wrong_version", () => {
  assert.equal(reasonOf('{"v":2,"type":"ack","body":{"seq":1}}', "coordinator"), "wrong_version");
  assert.equal(reasonOf('{"type":"ack","body":{"seq":1}}', "coordinator"), "wrong_version");
});

Deno.test("a type the sender does not send is rejected as unknown_type", () => {
  assert.equal(reasonOf('{"v":1,"type":"launch","body":{}}', "agent"), "unknown_type");
  // hello is an agent frame: a coordinator sending it is unknown on that side
  assert.equal(reasonOf(encodeFrame(agentSamples[0]), "coordinator"), "unknown_type");
  assert.equal(reasonOf('{"v":1,"type":7,"body":{}}', "agent"), "unknown_type");
});

Deno.test("a frame above the size limit is rejected as oversize before parsing", () => {
  const big = JSON.stringify({
    v: 1,
    type: "metrics",
    body: { values: { x: 1 } },
    pad: "y".repeat(2000),
  });
  assert.equal(reasonOf(big, "agent", 1000), "oversize");
  assert.equal(reasonOf(new Uint8Array(1001).buffer, "agent", 1000), "oversize");
  // multi-byte characters count as their UTF-8 size
  assert.equal(reasonOf('"' + "€".repeat(400) + '"', "agent", 1000), "oversize");
});

Deno.test("a known type with a bad body is rejected as invalid_body with the field path", () => {
  const noSeq = JSON.stringify({ ...agentSamples[1], seq: undefined });
  const result = decodeFrame(noSeq, "agent");
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.reason, "invalid_body");
    assert.match(result.detail, /seq/);
  }
  const badTime = JSON.parse(encodeFrame(agentSamples[1]));
  badTime.body.at = "yesterday";
  const r2 = decodeFrame(JSON.stringify(badTime), "agent");
  assert.ok(!r2.ok && r2.reason === "invalid_body" && /body\.at/.test(r2.detail));
  assert.ok(!r2.ok && r2.seq === 1, "the seq of a refused sequenced frame is reported");
  assert.equal(reasonOf("[1,2]", "agent"), "invalid_body");
  assert.equal(reasonOf("null", "agent"), "invalid_body");
});

Deno.test("the UTF-8 length of text counts multi-byte characters", () => {
  assert.equal(utf8ByteLength("aé€😀"), 1 + 2 + 3 + 4);
});

Deno.test("decodeFrame never throws on random strings, bytes or JSON", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "binary" }),
      fc.constantFrom("agent", "coordinator"),
      (s, side) => {
        const r = decodeFrame(s, side as "agent");
        assert.equal(typeof r.ok, "boolean");
      },
    ),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      assertHandled(decodeFrame(bytes.buffer as ArrayBuffer, "agent"));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom("agent", "coordinator"), (value, side) => {
      const r = decodeFrame(JSON.stringify(value) ?? "null", side as "agent");
      assertHandled(r);
      if (!r.ok) assert.ok(r.detail.length > 0);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("decodeFrame never throws on frames with a valid envelope and random bodies", () => {
  const types = ["hello", "status", "spec", "metrics", "heartbeat", "welcome", "ack", "command"];
  fc.assert(
    fc.property(
      fc.constantFrom(...types),
      fc.option(fc.integer(), { nil: undefined }),
      fc.jsonValue(),
      fc.constantFrom("agent", "coordinator"),
      (type, seq, body, side) => {
        const r = decodeFrame(JSON.stringify({ v: 1, type, seq, body }), side as "agent");
        assertHandled(r);
        if (!r.ok) assert.ok(["unknown_type", "invalid_body"].includes(r.reason));
      },
    ),
    { numRuns: 3000 },
  );
});

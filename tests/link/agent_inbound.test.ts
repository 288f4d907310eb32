import assert from "node:assert/strict";
import {
  coordinatorFrame,
  decodeFrame,
  encodeFrame,
  helloFrame,
  interpretCoordinatorData,
} from "../../lib/link/mod.ts";

const at = 1_000_000;

Deno.test("welcome and ack frames become sender events", () => {
  assert.deepEqual(
    interpretCoordinatorData(encodeFrame(coordinatorFrame("welcome", { lastReceivedSeq: 5 })), at),
    [{ type: "alive" }, { type: "sender", event: { type: "welcome", lastReceivedSeq: 5 } }],
  );
  assert.deepEqual(
    interpretCoordinatorData(encodeFrame(coordinatorFrame("ack", { seq: 9 })), at),
    [{ type: "alive" }, { type: "sender", event: { type: "ack", seq: 9 } }],
  );
});

Deno.test("a ping is answered with a pong echoing its sentAt", () => {
  const effects = interpretCoordinatorData(
    encodeFrame(coordinatorFrame("ping", { sentAt: 42 })),
    at,
  );
  assert.deepEqual(effects[1], {
    type: "reply",
    frame: { v: 1, type: "pong", body: { sentAt: 42 } },
  });
});

Deno.test("a pong for a heartbeat reports the round trip", () => {
  const effects = interpretCoordinatorData(
    encodeFrame(coordinatorFrame("pong", { sentAt: at - 30, receivedAt: at - 10 })),
    at,
  );
  assert.deepEqual(effects[1], { type: "heartbeatAnswered", rttMs: 30 });
});

Deno.test("a command is handed over with its id", () => {
  const effects = interpretCoordinatorData(
    encodeFrame(coordinatorFrame("command", { id: "c9", command: { kind: "drain" } })),
    at,
  );
  assert.deepEqual(effects[1], { type: "command", id: "c9", command: { kind: "drain" } });
});

Deno.test("a gap error rewinds the sender; other errors are only reported", () => {
  const gap = interpretCoordinatorData(
    encodeFrame(coordinatorFrame("error", { reason: "gap", message: "expected 2", seq: 3 })),
    at,
  );
  assert.deepEqual(gap.slice(1), [
    { type: "coordinatorError", reason: "gap", message: "expected 2", seq: 3 },
    { type: "sender", event: { type: "gap" } },
  ]);
  const other = interpretCoordinatorData(
    encodeFrame(coordinatorFrame("error", { reason: "invalid_body", message: "x" })),
    at,
  );
  assert.equal(other.length, 2);
});

Deno.test("bad coordinator frames are refused with their reason and nothing else happens", () => {
  assert.deepEqual(interpretCoordinatorData("{", at).map((e) => e.type), ["refused"]);
  const wrong = interpretCoordinatorData('{"v":2,"type":"ack","body":{"seq":1}}', at);
  assert.deepEqual(wrong.map((e) => e.type === "refused" && e.reason), ["wrong_version"]);
  const unknown = interpretCoordinatorData('{"v":1,"type":"hello","body":{}}', at);
  assert.deepEqual(unknown.map((e) => e.type === "refused" && e.reason), ["unknown_type"]);
  const big = interpretCoordinatorData("x".repeat(100), at, 10);
  assert.deepEqual(big.map((e) => e.type === "refused" && e.reason), ["oversize"]);
});

Deno.test("the hello frame carries the identity, stream and acked seq and is valid", () => {
  const frame = helloFrame(
    {
      agentId: "lp-1",
      version: "1.0.0",
      chains: [{ chainId: 1, name: "mainnet" }],
      lpAddress: "0x" + "ab".repeat(20),
      token: "secret-token",
    },
    "stream_1",
    17,
  );
  const decoded = decodeFrame(encodeFrame(frame), "agent");
  assert.ok(decoded.ok && decoded.frame.type === "hello");
  assert.equal(decoded.frame.body.lastAckedSeq, 17);
  assert.equal(decoded.frame.body.streamId, "stream_1");
});

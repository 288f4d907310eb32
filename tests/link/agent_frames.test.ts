// Bad coordinator frames at the agent: refused with a reason and a counter, nothing crashes,
// the connection state stays as it was. Over a real WebSocket, and fuzzed on the reducer.
import assert from "node:assert/strict";
import fc from "fast-check";
import { ActorCtx } from "../../lib/runtime/context.ts";
import { createLinkServices, decodeFrame } from "../../lib/link/mod.ts";
import { connectionBehavior, type ConnectionState } from "../../actors/connection.ts";
import { waitFor, withTempDir } from "./helpers.ts";
import { startTestAgent } from "./agent_support.ts";
import { startFakeCoordinator } from "./fake_coordinator.ts";

const BAD: [string, string][] = [
  ["invalid_json", "{not json"],
  ["unknown_type", '{"v":1,"type":"bogus","body":{}}'],
  ["wrong_version", '{"v":2,"type":"ack","body":{"seq":1}}'],
  ["invalid_body", '{"v":1,"type":"ack","body":{"seq":-1}}'],
];

Deno.test("each bad coordinator frame is refused and counted; 10 MB closes 4009 and reconnects", async () => {
  const fake = startFakeCoordinator("welcome");
  await withTempDir(async (dir) => {
    const agent = await startTestAgent({ kvPath: `${dir}/a.kv`, url: fake.url });
    try {
      await waitFor("connected", () => agent.services.state() === "connected");
      const before = agent.system.stateOf<ConnectionState>("/link")!;
      for (const [reason, text] of BAD) {
        fake.last()!.socket.send(text);
        await waitFor(reason, () => agent.services.counters.badFrames[reason] === 1);
      }
      const after = agent.system.stateOf<ConnectionState>("/link")!;
      assert.equal(after.phase, "ready");
      assert.equal(after.gen, before.gen);
      fake.last()!.socket.send("x".repeat(10 * 1024 * 1024));
      await waitFor("oversize", () => agent.services.counters.badFrames.oversize === 1);
      await waitFor("reconnected", () => fake.connections.length === 2);
      assert.equal(fake.connections[0].closedWith, 4009);
      await waitFor("connected again", () => agent.services.state() === "connected");
    } finally {
      await agent.stop();
      await fake.stop();
    }
  });
});

Deno.test("fuzz: the connection reducer refuses every undecodable frame without a state change", async () => {
  await withTempDir(async (dir) => {
    const kv = await Deno.openKv(`${dir}/a.kv`);
    try {
      const services = await createLinkServices({
        kv,
        config: {
          url: "ws://127.0.0.1:1/link",
          tokenEnv: "T",
          heartbeatIntervalMs: 1000,
          heartbeatTimeoutMs: 5000,
          outboxWarnSize: 10,
        },
        agent: { id: "agent-a", version: "t", chains: [], lp: "0x" + "12".repeat(20) },
      });
      const behavior = connectionBehavior(services);
      const state: ConnectionState = {
        ...behavior.initial(undefined, "/link"),
        phase: "ready",
        gen: 3,
        lastFrameAt: 500,
      };
      const ctx = new ActorCtx("/link", "/", new Map(), () => 1000);
      const frameish = fc.record({
        v: fc.oneof(fc.constant(1), fc.integer(), fc.string()),
        type: fc.oneof(
          fc.constantFrom("welcome", "ack", "command", "ping", "pong", "error", "hello", "status"),
          fc.string(),
        ),
        seq: fc.option(fc.integer()),
        body: fc.oneof(fc.object(), fc.jsonValue()),
      }, { requiredKeys: [] }).map((o) => JSON.stringify(o));
      const data = fc.oneof(fc.string(), fc.json(), frameish);
      let refused = 0;
      fc.assert(
        fc.property(data, (text) => {
          const total = () => Object.values(services.counters.badFrames).reduce((a, b) => a + b, 0);
          const n0 = total();
          const step = behavior.handle(state, { type: "Inbound", gen: 3, data: text }, ctx);
          if (!decodeFrame(text, "coordinator").ok) {
            refused++;
            assert.deepEqual(step.state, state);
            assert.deepEqual(step.effects, []);
            assert.equal(total(), n0 + 1);
          }
        }),
        { numRuns: 2000 },
      );
      assert.ok(refused > 1000, `only ${refused} frames were refused`);
    } finally {
      kv.close();
    }
  });
});

// Fuzz of agent frames at the reference coordinator: every frame it cannot decode is refused
// with an error frame naming the reason and counted; the stream and the connection are unchanged.
import assert from "node:assert/strict";
import fc from "fast-check";
import { agentFrame, decodeFrame } from "../../lib/link/mod.ts";
import { TestAgent, waitFor, withCoordinator } from "./helpers.ts";

Deno.test("fuzz: undecodable agent frames are refused, counted with a reason, and change nothing", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      agent.status(1);
      await agent.waitAck(1);
      const frameish = fc.record({
        v: fc.oneof(fc.constant(1), fc.integer(), fc.string()),
        type: fc.oneof(
          fc.constantFrom("status", "spec", "metrics", "heartbeat", "pong", "command_result"),
          fc.string(),
        ),
        seq: fc.option(fc.integer()),
        body: fc.oneof(fc.object(), fc.jsonValue()),
      }, { requiredKeys: [] }).map((o) => JSON.stringify(o));
      const bad = fc.oneof(fc.string(), fc.json(), frameish).filter((text) =>
        !decodeFrame(text, "agent").ok
      );
      const total = () =>
        Object.values(coord.stats().agents[0].badFrames).reduce((a, b) => a + b, 0);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(bad, async (text) => {
          const before = total();
          const errorsBefore = agent.of("error").length;
          agent.sendRaw(text);
          n++;
          // A heartbeat after it: its pong proves the bad frame was handled first.
          agent.send(agentFrame("heartbeat", { sentAt: n, outboxDepth: 0 }));
          await waitFor("pong", () => agent.of("pong").some((p) => p.body.sentAt === n));
          assert.equal(total(), before + 1);
          const errors = agent.of("error");
          assert.equal(errors.length, errorsBefore + 1);
          const expected = decodeFrame(text, "agent");
          assert.equal(
            !expected.ok && errors[errors.length - 1].body.reason,
            expected.ok ? "" : expected.reason,
          );
        }),
        { numRuns: 90 }, // under the 100 refused frames that close a connection
      );
      const stats = coord.stats().agents[0];
      assert.equal(stats.lastSeq, 1);
      assert.equal(stats.received, 1);
      assert.equal(stats.connected, true);
      assert.equal(agent.closed, undefined);
    } finally {
      await agent.close();
    }
  });
});

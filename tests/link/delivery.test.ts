import assert from "node:assert/strict";
import { type Coordinator, CoordinatorStore, startCoordinator } from "../../lib/coordinator/mod.ts";
import { Outbox, type StatusBody } from "../../lib/link/mod.ts";
import { TOKENS, waitFor, withTempDir } from "./helpers.ts";
import { Pump, statusOf } from "./pump.ts";

async function storedSeqs(kvPath: string): Promise<{ seq: number; n: unknown }[]> {
  const kv = await Deno.openKv(kvPath);
  try {
    const store = new CoordinatorStore(kv);
    const out: { seq: number; n: unknown }[] = [];
    let after = 0;
    while (true) {
      const page = await store.messages("agent-a", { afterSeq: after, limit: 1000 });
      if (page.length === 0) return out;
      for (const m of page) out.push({ seq: m.seq, n: (m.body as StatusBody).details.n });
      after = page[page.length - 1].seq;
    }
  } finally {
    kv.close();
  }
}

Deno.test("2,000 statuses arrive exactly once and in order across 10 coordinator restarts and 3 agent restarts", async () => {
  await withTempDir(async (dir) => {
    const coordKv = `${dir}/coord.kv`;
    const agentKv = `${dir}/agent.kv`;
    const total = 2000;
    let coord: Coordinator | undefined = await startCoordinator({
      kvPath: coordKv,
      tokens: TOKENS,
      ackDelayMs: 5,
    });
    const port = coord.port;
    const url = coord.url; // the same port after every restart
    let kv = await Deno.openKv(agentKv);
    let pump = new Pump(
      await Outbox.open<StatusBody>(kv, { agentId: "agent-a" }),
      () => url,
    );
    pump.start();
    try {
      let produced = 0;
      for (let round = 0; round < 10; round++) {
        // produce while connected
        await pump.append(Array.from({ length: 100 }, () => statusOf(++produced)));
        // the coordinator goes down; the agent keeps producing into its outbox
        await coord.stop();
        coord = undefined;
        await pump.append(Array.from({ length: 100 }, () => statusOf(++produced)));
        if (round % 3 === 2) {
          // the agent restarts too: close the KV and reopen the outbox from the file
          await pump.stop();
          kv.close();
          kv = await Deno.openKv(agentKv);
          pump = new Pump(
            await Outbox.open<StatusBody>(kv, { agentId: "agent-a" }),
            () => url,
          );
          pump.start();
        }
        coord = await startCoordinator({ kvPath: coordKv, tokens: TOKENS, port, ackDelayMs: 5 });
      }
      assert.equal(produced, total);
      await waitFor("everything acked", () => pump.outbox.stats().depth === 0, 30_000);
      const agent = coord!.stats().agents[0];
      assert.equal(agent.lastSeq, total);
      assert.deepEqual(pump.errors, []);
    } finally {
      await pump.stop();
      kv.close();
      await coord?.stop();
    }
    const stored = await storedSeqs(coordKv);
    assert.equal(stored.length, total);
    stored.forEach((m, i) => {
      assert.equal(m.seq, i + 1);
      assert.equal(m.n, i + 1, "message content matches its seq");
    });
  });
});

Deno.test("a gap reported by the coordinator makes the sender resend from the last ack", async () => {
  await withTempDir(async (dir) => {
    const coord = await startCoordinator({ kvPath: `${dir}/c.kv`, tokens: TOKENS, ackDelayMs: 5 });
    const kv = await Deno.openKv(`${dir}/a.kv`);
    const pump = new Pump(
      await Outbox.open<StatusBody>(kv, { agentId: "agent-a" }),
      () => coord.url,
    );
    try {
      pump.start();
      await pump.append([statusOf(1), statusOf(2)]);
      await waitFor("acked", () => pump.outbox.stats().depth === 0);
      // pretend the sender skipped seq 3: the coordinator refuses 4 and reports the gap
      await pump.outbox.append([statusOf(3), statusOf(4)]);
      pump.transport!.send(JSON.stringify({ v: 1, type: "status", seq: 4, body: statusOf(4) }));
      await waitFor("gap counted", () => coord.stats().agents[0].gaps === 1);
      pump.dispatch({ type: "appended", lastSeq: 4 });
      await waitFor("acked after resend", () => pump.outbox.stats().depth === 0);
      const seqs = (await coord.store.messages("agent-a")).map((m) => m.seq);
      assert.deepEqual(seqs, [1, 2, 3, 4]);
    } finally {
      await pump.stop();
      kv.close();
      await coord.stop();
    }
  });
});

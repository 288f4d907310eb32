/**
 * The agent linked to the reference coordinator on a devnet: every status reaches the
 * coordinator's store in order, and the operator's pause/resume commands steer fills.
 */
import assert from "node:assert/strict";
import { type Coordinator, startCoordinator } from "../../lib/coordinator/mod.ts";
import { createRequest } from "../devnet/helpers.ts";
import { fillsOf, startE2e } from "./harness.ts";
import { marker, TST, waitFilled } from "./scenarios.ts";

Deno.test({
  name: "pause stops new fills on a chain, resume restarts them; statuses reach the coordinator",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const kvDir = await Deno.makeTempDir({ prefix: "tern-e2e-coord-" });
    let coordinator: Coordinator | undefined;
    const e = await startE2e({
      prepare: async () => {
        coordinator = await startCoordinator({
          kvPath: `${kvDir}/coordinator.kv`,
          tokens: new Map([["e2e-token", "e2e-agent"]]),
        });
        return { coordinator: { url: coordinator.url, agentId: "e2e-agent" } };
      },
      env: { TERN_COORDINATOR_TOKEN: "e2e-token" },
      cleanup: async () => {
        await coordinator?.stop();
        await Deno.remove(kvDir, { recursive: true }).catch(() => {});
      },
    });
    const { a, b, user } = e.who;
    try {
      const c = coordinator!;
      /** Sends a command and waits until the agent answered it. */
      const command = async (body: unknown) => {
        const res = await fetch(`${c.httpUrl}/agents/e2e-agent/commands`, {
          method: "POST",
          body: JSON.stringify(body),
        });
        const sent = await res.json();
        assert.equal(res.status, 202, JSON.stringify(sent));
        const deadline = Date.now() + 10_000;
        for (;;) {
          const record = await c.store.command("e2e-agent", sent.id);
          if (record?.result) {
            assert.equal(record.result.ok, true, record.result.detail);
            return;
          }
          if (Date.now() > deadline) throw new Error(`command ${sent.id} was not answered`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      // The agent connects after start; commands need the connection.
      const deadline = Date.now() + 15_000;
      while (!c.stats().agents.some((x) => x.id === "e2e-agent" && x.connected)) {
        if (Date.now() > deadline) {
          throw new Error(`the agent never connected\n${e.agent.tail(20)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      await command({ kind: "pause_chain", chainId: b.chainId });
      const toB = await createRequest(user.a, b, TST);
      await marker(e, user.b, a);
      assert.deepEqual(await fillsOf(e, b, toB.requestId), [], "B is paused: no fill");
      await command({ kind: "resume_chain", chainId: b.chainId });
      await waitFilled(e, toB, 20_000);

      // The spec carries the chains and the LP's balances as the watchers read them.
      const spec = await (async () => {
        const until = Date.now() + 10_000;
        for (;;) {
          const agent = await (await fetch(`${c.httpUrl}/agents/e2e-agent`)).json();
          const balances = agent.spec?.body?.balances ?? [];
          if (balances.some((x: { symbol?: string }) => x.symbol === "TST")) return agent.spec.body;
          if (Date.now() > until) {
            throw new Error(`no spec with balances: ${JSON.stringify(agent)}`);
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      assert.deepEqual(
        spec.chains.map((x: { chainId: number }) => x.chainId),
        e.devnet.info.rollups.map((r) => r.chainId),
      );
      for (const r of e.devnet.info.rollups) {
        assert.ok(
          spec.balances.some((x: { chainId: number; symbol?: string }) =>
            x.chainId === r.chainId && x.symbol === "TST"
          ),
          `a TST balance on ${r.name}`,
        );
      }
      const stats = c.stats().agents.find((x) => x.id === "e2e-agent")!;
      if (Deno.env.get("TERN_E2E_ECHO")) {
        console.log(JSON.stringify(stats));
        const some = await c.store.messages("e2e-agent", { afterSeq: 0, limit: 30 });
        for (const m of some) console.log(JSON.stringify(m).slice(0, 300));
      }
      assert.equal(stats.duplicates, 0);
      assert.equal(stats.gaps, 0);
      const stored = await c.store.messages("e2e-agent", { afterSeq: 0, limit: 10_000 });
      const seqs = stored.map((m) => m.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1), "seq 1..N, in order, once each");
      assert.ok(
        stored.some((m) => JSON.stringify(m).includes(toB.requestId)),
        "the paused-then-filled request was reported",
      );
    } finally {
      await e.stop();
    }
  },
});

/**
 * SIGTERM stops the agent within two seconds even while a chain's RPC never answers.
 */
import assert from "node:assert/strict";
import { type FaultProxy, startFaultProxy } from "../../scripts/fault_proxy.ts";
import { createRequest } from "../devnet/helpers.ts";
import { startE2e } from "./harness.ts";
import { TST } from "./scenarios.ts";

Deno.test({
  name: "SIGTERM with a hung RPC: the agent exits within 2 s, code 0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let proxy: FaultProxy | undefined;
    const e = await startE2e({
      prepare: async (devnet) => {
        const b = devnet.info.rollups[1];
        proxy = await startFaultProxy({ target: b.rpcHttp });
        return { rpcReplace: { [b.chainId]: [proxy.url] } };
      },
      cleanup: async () => await proxy?.stop(),
    });
    try {
      // Rollup B's RPC now holds every call: reads, the view and the fill's estimate hang.
      proxy!.setMode({ blackhole: true });
      await createRequest(e.who.user.a, e.who.b, TST);
      const deadline = Date.now() + 10_000;
      while (proxy!.stats().blackholed < 3) {
        if (Date.now() > deadline) throw new Error("no call reached the blackholed RPC");
        await new Promise((r) => setTimeout(r, 50));
      }
      const { ms, code } = await e.agent.kill("SIGTERM", 5_000);
      assert.equal(code, 0, e.agent.tail(20));
      assert.ok(ms < 2_000, `exit took ${Math.round(ms)} ms`);
      assert.ok(e.agent.lines.some((l) => /^tern: stopped \(SIGTERM received\)/.test(l)));
    } finally {
      await e.stop();
    }
  },
});

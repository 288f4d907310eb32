/**
 * A chain's RPC unreachable: the other chains keep working, the chain catches up, and a stale
 * view never leads to a challenge of an honest claim. Three rollups; rollup A's RPC is reached
 * only through a fault-injecting proxy.
 */
import assert from "node:assert/strict";
import { zeroAddress } from "viem";
import { type FaultProxy, startFaultProxy } from "../../scripts/fault_proxy.ts";
import { Actor, createRequest, fill } from "../devnet/helpers.ts";
import { claimsOf, fillsOf, startE2e } from "./harness.ts";
import { claimAs, marker, TST, waitFilled } from "./scenarios.ts";

const A = 31338;

Deno.test({
  name: "rollup A unreachable for 30 s: B and C keep working, A catches up, no wrong challenge",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    let proxy: FaultProxy | undefined;
    const e = await startE2e({
      devnet: { rollupChainIds: [A, 31339, 31340] },
      prepare: async (devnet) => {
        const a = devnet.info.rollups.find((r) => r.chainId === A)!;
        proxy = await startFaultProxy({ target: a.rpcHttp });
        return { rpcReplace: { [A]: [proxy.url] } };
      },
      cleanup: async () => await proxy?.stop(),
    });
    const [a, b, c] = e.devnet.info.rollups;
    const users = e.devnet.info.accounts.users;
    const onB = new Actor(b, users[2]);
    const onC = new Actor(c, users[3]);
    const onA = new Actor(a, users[4]);
    const otherOnA = new Actor(a, e.devnet.info.accounts.otherLp);
    const otherOnB = new Actor(b, e.devnet.info.accounts.otherLp);
    const lp = e.devnet.info.accounts.lp.address.toLowerCase();
    try {
      const blackholedAt = Date.now();
      proxy!.setMode({ blackhole: true });

      let fromA: Awaited<ReturnType<typeof createRequest>> | undefined;
      let honest: Awaited<ReturnType<typeof createRequest>> | undefined;
      let honestClaimId = 0n;
      await t.step("while A is dark, requests between B and C are filled", async () => {
        const bc = await createRequest(onB, c, TST);
        const cb = await createRequest(onC, b, TST);
        assert.deepEqual((await waitFilled(e, bc)).map((f) => f.filler), [lp]);
        assert.deepEqual((await waitFilled(e, cb)).map((f) => f.filler), [lp]);
      });

      await t.step(
        "while A is dark, another LP fills a B→A request and claims it honestly",
        async () => {
          fromA = await createRequest(onA, b, TST);
          honest = await createRequest(onB, a, TST);
          const fillId = await fill(otherOnA, honest);
          honestClaimId = (await claimAs(e, otherOnB, honest, fillId)).claimId;
          // Longer than fill_wait_time and the freshness lag: a stale view must not challenge.
          await marker(e, onC, b);
        },
      );

      await t.step("after 30 s A comes back and its request is filled", async () => {
        const waited = Date.now() - blackholedAt;
        if (waited < 30_000) {
          await new Promise((r) => setTimeout(r, 30_000 - waited));
        }
        proxy!.setMode({ blackhole: false });
        assert.deepEqual((await waitFilled(e, fromA!, 30_000)).map((f) => f.filler), [lp]);
      });

      await t.step(
        "the honest claim was never challenged, before or after A came back",
        async () => {
          await marker(e, onB, a);
          const claims = await claimsOf(e, b, honest!.requestId);
          const theirs = claims.filter((x) => x.claimId === honestClaimId);
          assert.ok(theirs.length > 0);
          assert.ok(theirs.every((x) => x.lastChallenger === zeroAddress), "no challenge");
          const fills = await fillsOf(e, a, honest!.requestId);
          assert.deepEqual(fills.map((f) => f.filler), [
            e.devnet.info.accounts.otherLp.address.toLowerCase(),
          ]);
        },
      );
    } finally {
      await e.stop();
    }
  },
});

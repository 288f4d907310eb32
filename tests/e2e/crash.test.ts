/**
 * The agent killed with SIGKILL at the worst moments, and a reorg under it: outcomes on chain.
 */
import assert from "node:assert/strict";
import { mine, rpcCall, setAutomine } from "../../scripts/devnet/anvil.ts";
import { createRequest, eventually } from "../devnet/helpers.ts";
import { fillsOf, requestEvents, startE2e } from "./harness.ts";
import { TST, waitClaim, waitFilled, waitWithdrawn } from "./scenarios.ts";

Deno.test({
  name: "SIGKILL right after a fill was broadcast: after a restart there is exactly one fill",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startE2e();
    const { b, user } = e.who;
    const lp = e.devnet.info.accounts.lp.address;
    try {
      const target = b.rpcHttp;
      await setAutomine(target, false);
      const before = await rpcCall<string>(target, "eth_getTransactionCount", [lp, "latest"]);
      const req = await createRequest(user.a, b, TST);
      // The fill is in the target's pool, not mined: the agent has broadcast it.
      await eventually("the fill broadcast", async () => {
        const pending = await rpcCall<string>(target, "eth_getTransactionCount", [lp, "pending"]);
        return Number(pending) > Number(before) ? true : undefined;
      });
      await e.agent.kill("SIGKILL");
      await setAutomine(target, true);
      await mine(target);
      await e.agent.start();
      await waitFilled(e, req);
      await waitClaim(e, req, "our claim after the restart", (c) => c.claimer === lp.toLowerCase());
      // A second request proves the agent's nonce handling survived the kill.
      const next = await createRequest(user.a, b, TST);
      await waitFilled(e, next);
      const fills = await fillsOf(e, b, req.requestId);
      assert.equal(fills.length, 1, "exactly one fill of the request");
    } finally {
      await e.stop();
    }
  },
});

Deno.test({
  name: "SIGKILL after the claim: the restarted agent still withdraws",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startE2e();
    const { a, user } = e.who;
    const lp = e.devnet.info.accounts.lp.address.toLowerCase();
    try {
      const req = await createRequest(user.b, a, TST);
      await waitClaim(e, req, "our claim", (c) => c.claimer === lp);
      await e.agent.kill("SIGKILL");
      await e.agent.start();
      assert.equal(await waitWithdrawn(e, req), lp);
    } finally {
      await e.stop();
    }
  },
});

Deno.test({
  name: "a reorg that removes a RequestCreated leaves no fill and no claim for it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // Rollup A (31338) is read two blocks behind its head, like a chain that may reorg.
    const e = await startE2e({ config: { chainConfirmations: { 31338: 2 } } });
    const { a, b, user } = e.who;
    try {
      const req = await createRequest(user.a, b, TST);
      await rpcCall(a.rpcHttp, "anvil_rollback", [1]);
      // The removed transaction must not come back from the pool (a real reorg may drop it).
      await rpcCall(a.rpcHttp, "anvil_dropAllTransactions", []);
      await mine(a.rpcHttp, 3);
      assert.equal(
        (await requestEvents(e, a, req.requestId)).length,
        0,
        "precondition: the request is gone from rollup A",
      );
      // A request after the reorg, mined over with further blocks, marks the watcher's progress.
      const later = await createRequest(e.who.user2.a, b, TST);
      const deadline = Date.now() + 30_000;
      while ((await fillsOf(e, b, later.requestId)).length === 0) {
        if (Date.now() > deadline) throw new Error(`later request not filled\n${e.agent.tail(30)}`);
        await mine(a.rpcHttp);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(await requestEvents(e, a, req.requestId), [], "still gone from rollup A");
      assert.deepEqual(await fillsOf(e, b, req.requestId), [], "no fill of the removed request");
      await e.devnet.advanceTime(10);
      assert.deepEqual(await requestEvents(e, a, req.requestId), [], "no claim either");
    } finally {
      await e.stop();
    }
  },
});

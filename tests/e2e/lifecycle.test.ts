/**
 * The agent against a devnet, one scenario per step, all outcomes read from the chains.
 * The relay delay (the bridge's finality) is 6 s, long enough for challenges to happen before
 * L1 resolution settles a request.
 */
import assert from "node:assert/strict";
import { zeroAddress } from "viem";
import { claimsOf, fillsOf, startE2e } from "./harness.ts";
import {
  BOGUS_FILL_ID,
  claimAs,
  claimStake,
  fillBeforeCreate,
  marker,
  TST,
  waitClaim,
  waitFilled,
  waitWithdrawn,
} from "./scenarios.ts";
import { challenge, createRequest, mintTo } from "../devnet/helpers.ts";

Deno.test({
  name: "the agent works the Beamer protocol end to end on a devnet",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    // Blocks every second, as on a live chain: time-based steps see the chain's clock move.
    const e = await startE2e({
      devnet: { relayDelayMs: 6_000, blockTime: 1 },
      config: { unsafeFillTime: 1800 },
    });
    const lp = e.devnet.info.accounts.lp.address.toLowerCase();
    const other = e.devnet.info.accounts.otherLp.address.toLowerCase();
    const { a, b, user, user2, otherLp } = e.who;
    try {
      await t.step(
        "a request from A to B is filled, claimed and withdrawn by the agent",
        async () => {
          const req = await createRequest(user.a, b, 2n * TST);
          const fills = await waitFilled(e, req);
          assert.deepEqual(fills.map((f) => f.filler), [lp]);
          await waitClaim(e, req, "our claim", (c) => c.claimer === lp);
          assert.equal(await waitWithdrawn(e, req), lp);
        },
      );

      await t.step(
        "a request from B to A is filled, claimed and withdrawn by the agent",
        async () => {
          const req = await createRequest(user.b, a, 3n * TST);
          assert.deepEqual((await waitFilled(e, req)).map((f) => f.filler), [lp]);
          assert.equal(await waitWithdrawn(e, req), lp);
        },
      );

      await t.step(
        "a request filled first by another LP is neither filled nor challenged",
        async () => {
          const req = await fillBeforeCreate(otherLp.b, user2.a, b, TST);
          const { claimId } = await claimAs(e, otherLp.a, req, req.fillId);
          await marker(e, user.a, b);
          const fills = await fillsOf(e, b, req.requestId);
          assert.deepEqual(fills.map((f) => f.filler), [other], "only the other LP filled");
          const claims = await claimsOf(e, a, req.requestId);
          assert.equal(claims.find((c) => c.claimId === claimId)?.lastChallenger, zeroAddress);
          assert.ok(!claims.some((c) => c.claimer === lp), "no claim of ours");
        },
      );

      await t.step("a too-late request (inside the unsafe fill time) is not filled", async () => {
        const req = await createRequest(user.a, b, TST, 1800);
        await marker(e, user.a, b);
        assert.deepEqual(await fillsOf(e, b, req.requestId), []);
      });

      await t.step("a false claim on our fill is challenged and the challenge wins", async () => {
        const req = await createRequest(user2.a, b, TST);
        await waitFilled(e, req);
        const { claimId } = await claimAs(e, otherLp.a, req, BOGUS_FILL_ID);
        await waitClaim(
          e,
          req,
          "our challenge of the false claim",
          (c) => c.claimId === claimId && c.lastChallenger === lp,
        );
        assert.equal(await waitWithdrawn(e, req), lp, "the deposit is ours");
      });

      await t.step("a false claim on a request nobody filled is challenged", async () => {
        // UNL is not in the agent's token list: the agent does not fill it.
        const req = await createRequest(user2.b, a, TST, 3600, "UNL");
        const { claimId } = await claimAs(e, otherLp.b, req, BOGUS_FILL_ID);
        await waitClaim(
          e,
          req,
          "our challenge of a claim without a fill",
          (c) => c.claimId === claimId && c.lastChallenger === lp,
          30_000,
        );
        assert.deepEqual(await fillsOf(e, a, req.requestId), []);
      });

      await t.step(
        "our claim challenged falsely is defended and L1 resolution proves our fill",
        async () => {
          const req = await createRequest(user.b, a, TST);
          await waitFilled(e, req);
          const ours = await waitClaim(e, req, "our claim", (c) => c.claimer === lp);
          await challenge(otherLp.b, req, ours.claimId, claimStake(e) + 1n);
          assert.equal(await waitWithdrawn(e, req), lp, "the deposit still comes to us");
        },
      );

      await t.step(
        "a request above the LP's balance waits, and is filled after a top-up",
        async () => {
          // The LP holds 5,000 TST on each rollup at start; the transfer limit is 10,000.
          const req = await createRequest(user.a, b, 7_000n * TST);
          await marker(e, user.a, b);
          assert.deepEqual(await fillsOf(e, b, req.requestId), [], "not filled without the funds");
          await mintTo(user.b, e.devnet.info.accounts.lp.address, 10_000n * TST);
          assert.deepEqual((await waitFilled(e, req, 30_000)).map((f) => f.filler), [lp]);
        },
      );

      await t.step("a request that expired while the agent was down is not filled", async () => {
        await e.agent.kill("SIGTERM");
        const req = await createRequest(user2.a, b, TST, 3600);
        await e.devnet.advanceTime(3700);
        await e.agent.start();
        await marker(e, user.a, b);
        assert.deepEqual(await fillsOf(e, b, req.requestId), [], "expired: not filled");
      });
    } finally {
      await e.stop();
    }
  },
});

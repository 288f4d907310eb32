import assert from "node:assert/strict";
import type { Hex } from "viem";
import { fillManagerAbi, requestManagerAbi } from "../../lib/chain/abi.ts";
import {
  advance,
  CHALLENGE_PERIOD_EXTENSION,
  claim,
  CLAIM_PERIOD,
  CLAIM_REQUEST_EXTENSION,
  CLAIM_STAKE,
  contractSuite,
  createRequest,
  eventsOf,
  expectRevert,
  fill,
  FINALITY_PERIOD,
  type Fixture,
  now,
  read,
  resolveThroughL1,
  rmCall,
  send,
  ZERO_ADDRESS,
  ZERO_HASH,
} from "./_fixture.ts";

const FILL_ID: Hex = `0x${"11".repeat(32)}`;

async function blockTime(fx: Fixture, blockNumber: bigint): Promise<bigint> {
  return (await fx.client.getBlock({ blockNumber })).timestamp;
}

async function claimOf(fx: Fixture, claimId: bigint) {
  const c = await read<readonly unknown[]>(fx, rmCall(fx, "claims", [claimId]));
  return {
    requestId: c[0] as Hex,
    claimer: c[1] as string,
    claimerStake: c[2] as bigint,
    lastChallenger: c[3] as string,
    challengerStakeTotal: c[4] as bigint,
    withdrawnAmount: c[5] as bigint,
    termination: c[6] as bigint,
    fillId: c[7] as Hex,
  };
}

contractSuite("RequestManager claims and challenges", async (step) => {
  await step(
    "claimRequest records the claim, emits ClaimMade and takes the exact stake",
    async (fx) => {
      const request = await createRequest(fx);
      const receipt = await send(
        fx,
        fx.lp,
        rmCall(fx, "claimRequest", [request.id, FILL_ID], CLAIM_STAKE),
      );
      const ts = await blockTime(fx, receipt.blockNumber);
      const [event] = eventsOf(receipt, fx.rm, requestManagerAbi);
      assert.equal(event.eventName, "ClaimMade");
      assert.deepEqual(event.args, {
        requestId: request.id,
        claimId: 2n, // nonces are shared: request 1, claim 2
        claimer: fx.lp.address,
        claimerStake: CLAIM_STAKE,
        lastChallenger: ZERO_ADDRESS,
        challengerStakeTotal: 0n,
        termination: ts + CLAIM_PERIOD,
        fillId: FILL_ID,
      });
      assert.deepEqual(await claimOf(fx, 2n), {
        requestId: request.id,
        claimer: fx.lp.address,
        claimerStake: CLAIM_STAKE,
        lastChallenger: ZERO_ADDRESS,
        challengerStakeTotal: 0n,
        withdrawnAmount: 0n,
        termination: ts + CLAIM_PERIOD,
        fillId: FILL_ID,
      });
      assert.equal(await fx.client.getBalance({ address: fx.rm }), CLAIM_STAKE);
      const stored = await read<readonly unknown[]>(fx, rmCall(fx, "requests", [request.id]));
      assert.equal(stored[7], 1, "activeClaims");
      assert.equal(await read(fx, rmCall(fx, "currentNonce")), 2n);
      // the same claimer may claim again, with another fill id
      assert.equal(await claim(fx, request, `0x${"12".repeat(32)}`), 3n);
    },
  );

  await step("anyone may pay the stake for a whitelisted claimer", async (fx) => {
    const request = await createRequest(fx);
    const receipt = await send(
      fx,
      fx.users[3],
      rmCall(fx, "claimRequest", [fx.otherLp.address, request.id, FILL_ID], CLAIM_STAKE),
    );
    const [event] = eventsOf(receipt, fx.rm, requestManagerAbi);
    assert.equal(event.args.claimer, fx.otherLp.address);
  });

  await step("claimRequest refuses unknown requests and non-whitelisted claimers", async (fx) => {
    const request = await createRequest(fx);
    await expectRevert(
      fx,
      fx.lp,
      rmCall(fx, "claimRequest", [`0x${"ab".repeat(32)}`, FILL_ID], CLAIM_STAKE),
      "requestId not valid",
    );
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "claimRequest", [request.id, FILL_ID], CLAIM_STAKE),
      "Not allowed",
    );
    await expectRevert(
      fx,
      fx.lp,
      rmCall(fx, "claimRequest", [fx.users[0].address, request.id, FILL_ID], CLAIM_STAKE),
      "Not allowed",
    );
  });

  await step("claims are accepted until validUntil + claimRequestExtension", async (fx) => {
    const request = await createRequest(fx, 10n ** 18n, { validity: 1800n });
    await advance(fx, 1800n + CLAIM_REQUEST_EXTENSION - 20n);
    await claim(fx, request, FILL_ID);
    await advance(fx, 20);
    await expectRevert(
      fx,
      fx.lp,
      rmCall(fx, "claimRequest", [request.id, FILL_ID], CLAIM_STAKE),
      "Request cannot be claimed anymore",
    );
  });

  await step("claimRequest wants exactly claimStake", async (fx) => {
    const request = await createRequest(fx);
    for (const value of [0n, CLAIM_STAKE - 1n, CLAIM_STAKE + 1n]) {
      await expectRevert(
        fx,
        fx.lp,
        rmCall(fx, "claimRequest", [request.id, FILL_ID], value),
        "Invalid stake amount",
      );
    }
  });

  await step("claimRequest refuses the zero claimer and the zero fill id", async (fx) => {
    const request = await createRequest(fx);
    await send(fx, fx.owner, rmCall(fx, "addAllowedLp", [ZERO_ADDRESS]));
    await expectRevert(
      fx,
      fx.lp,
      rmCall(fx, "claimRequest", [ZERO_ADDRESS, request.id, FILL_ID], CLAIM_STAKE),
      "Claimer can't be zero address",
    );
    await expectRevert(
      fx,
      fx.lp,
      rmCall(fx, "claimRequest", [request.id, ZERO_HASH], CLAIM_STAKE),
      "FillId must not be 0x0",
    );
  });

  await step(
    "the first challenge adds the finality period, later ones only the extension",
    async (fx) => {
      const request = await createRequest(fx);
      const claimId = await claim(fx, request, FILL_ID);
      const challenger = fx.users[1];

      const r1 = await send(
        fx,
        challenger,
        rmCall(fx, "challengeClaim", [claimId], CLAIM_STAKE + 1n),
      );
      const t1 = await blockTime(fx, r1.blockNumber);
      let c = await claimOf(fx, claimId);
      assert.equal(c.termination, t1 + CHALLENGE_PERIOD_EXTENSION + FINALITY_PERIOD);
      assert.equal(c.lastChallenger, challenger.address);
      assert.equal(c.challengerStakeTotal, CLAIM_STAKE + 1n);
      const [e1] = eventsOf(r1, fx.rm, requestManagerAbi);
      assert.deepEqual(e1.args, {
        requestId: request.id,
        claimId,
        claimer: fx.lp.address,
        claimerStake: CLAIM_STAKE,
        lastChallenger: challenger.address,
        challengerStakeTotal: CLAIM_STAKE + 1n,
        termination: c.termination,
        fillId: FILL_ID,
      });

      // the claimer answers with at least 101 - 100 + 100 = 101; termination is never shortened
      await send(fx, fx.lp, rmCall(fx, "challengeClaim", [claimId], 101n));
      const afterAnswer = await claimOf(fx, claimId);
      assert.equal(afterAnswer.claimerStake, 201n);
      assert.equal(afterAnswer.termination, c.termination);

      // near the end, a further challenge pushes termination to now + extension only
      await advance(fx, c.termination - (await now(fx)) - 10n);
      const r3 = await send(fx, fx.users[2], rmCall(fx, "challengeClaim", [claimId], 101n));
      const t3 = await blockTime(fx, r3.blockNumber);
      c = await claimOf(fx, claimId);
      assert.equal(c.termination, t3 + CHALLENGE_PERIOD_EXTENSION);
      assert.equal(c.lastChallenger, fx.users[2].address);
      assert.equal(c.challengerStakeTotal, 202n);
    },
  );

  await step("every move must overtake the other side", async (fx) => {
    const request = await createRequest(fx);
    const claimId = await claim(fx, request, FILL_ID);
    await expectRevert(
      fx,
      fx.users[1],
      rmCall(fx, "challengeClaim", [claimId], CLAIM_STAKE),
      "Not enough stake provided",
    );
    await send(fx, fx.users[1], rmCall(fx, "challengeClaim", [claimId], CLAIM_STAKE + 1n));
    await expectRevert(
      fx,
      fx.lp,
      rmCall(fx, "challengeClaim", [claimId], 100n),
      "Not enough stake provided",
    );
    await send(fx, fx.lp, rmCall(fx, "challengeClaim", [claimId], 101n));
    // challenger side needs 201 - 101 + 1 = 101
    await expectRevert(
      fx,
      fx.users[2],
      rmCall(fx, "challengeClaim", [claimId], 100n),
      "Not enough stake provided",
    );
  });

  await step(
    "the claimer cannot challenge itself and only the claimer answers challengers",
    async (fx) => {
      const request = await createRequest(fx);
      const claimId = await claim(fx, request, FILL_ID);
      await expectRevert(
        fx,
        fx.lp,
        rmCall(fx, "challengeClaim", [claimId], CLAIM_STAKE + 1n),
        "Cannot challenge own claim",
      );
      await send(fx, fx.users[1], rmCall(fx, "challengeClaim", [claimId], CLAIM_STAKE + 1n));
      for (const who of [fx.users[1], fx.users[2]]) {
        await expectRevert(
          fx,
          who,
          rmCall(fx, "challengeClaim", [claimId], 1000n),
          "Not eligible to outbid",
        );
      }
    },
  );

  await step("challenges end at termination", async (fx) => {
    const request = await createRequest(fx);
    const claimId = await claim(fx, request, FILL_ID);
    await advance(fx, CLAIM_PERIOD);
    await expectRevert(
      fx,
      fx.users[1],
      rmCall(fx, "challengeClaim", [claimId], CLAIM_STAKE + 1n),
      "Claim expired",
    );
  });

  await step("challengeClaim refuses claim id 0 and unknown claim ids", async (fx) => {
    const request = await createRequest(fx);
    await claim(fx, request, FILL_ID);
    for (const id of [0n, 1n, 99n]) {
      await expectRevert(
        fx,
        fx.users[1],
        rmCall(fx, "challengeClaim", [id], CLAIM_STAKE + 1n),
        "claimId not valid",
      );
    }
  });

  await step("challenges stop once the request is resolved on L1", async (fx) => {
    const request = await createRequest(fx);
    const { receipt } = await fill(fx, request);
    const claimId = await claim(fx, request, FILL_ID, fx.otherLp);
    await resolveThroughL1(fx, receipt);
    await expectRevert(
      fx,
      fx.users[1],
      rmCall(fx, "challengeClaim", [claimId], CLAIM_STAKE + 1n),
      "Request already resolved",
    );
  });

  await step("challenges stop once the claim's fill id is invalidated on L1", async (fx) => {
    const request = await createRequest(fx);
    const claimId = await claim(fx, request, FILL_ID, fx.otherLp);
    const receipt = await send(fx, fx.users[1], {
      address: fx.fm,
      abi: fillManagerAbi,
      functionName: "invalidateFill",
      args: [
        BigInt(fx.anvil.chainId),
        fx.token,
        request.receiver,
        request.amount,
        request.nonce,
        FILL_ID,
      ],
    });
    await resolveThroughL1(fx, receipt);
    assert.equal(await read(fx, rmCall(fx, "isInvalidFill", [request.id, FILL_ID])), true);
    await expectRevert(
      fx,
      fx.users[1],
      rmCall(fx, "challengeClaim", [claimId], CLAIM_STAKE + 1n),
      "Fill already invalidated",
    );
  });
});

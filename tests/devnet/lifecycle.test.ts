import assert from "node:assert/strict";
import { type Hex, keccak256, toHex } from "viem";
import { startDevnet } from "../../scripts/devnet/mod.ts";
import { startRelay } from "../../scripts/devnet/relay.ts";
import type { DevnetInfo } from "../../scripts/devnet/types.ts";
import {
  actors,
  challenge,
  claim,
  createRequest,
  eventsOf,
  fill,
  fillManagerAbi,
  requestManagerAbi,
  revertReasonOf,
  TOKEN,
  tokenBalance,
  withdraw,
} from "./helpers.ts";

const PARAMS = {
  claimPeriod: 60,
  claimRequestExtension: 60,
  challengePeriodExtension: 30,
  finalityPeriod: 5,
};

/** Runs a relay until every pending message (both hops) is delivered, then stops it. */
async function relayPending(info: DevnetInfo) {
  const relay = startRelay(info, { delayMs: 100, pollIntervalMs: 50 });
  try {
    await relay.waitIdle(30_000);
    return relay.stats();
  } finally {
    await relay.stop();
  }
}

const fakeFillId = (tag: string): Hex => keccak256(toHex(`not a fill: ${tag}`));

Deno.test("whole request lifecycles run across L1 and two rollups", async (t) => {
  // The relay runs only when a step asks for it, so claims meet no early L1 resolution.
  const devnet = await startDevnet({ ...PARAMS, relay: false });
  try {
    const { info } = devnet;
    const { a, b, lp, otherLp, user, user2 } = actors(info);
    const stake = BigInt(info.params.claimStake);
    const rmA = a.requestManager;
    const rmB = b.requestManager;

    await t.step(
      "request, fill, claim and withdraw after the claim period pay the LP",
      async () => {
        const request = await createRequest(user.a, b, 2n * TOKEN);
        const fillId = await fill(lp.b, request);
        const { claimId } = await claim(lp.a, request, fillId, stake);
        const early = await revertReasonOf(() =>
          lp.a.reader.simulateContract({
            account: lp.a.wallet.account,
            address: rmA,
            abi: requestManagerAbi,
            functionName: "withdraw",
            args: [claimId],
          })
        );
        assert.equal(early, "Claim period not finished");

        const before = await tokenBalance(lp.a);
        await devnet.advanceTime(PARAMS.claimPeriod + 1);
        const result = await withdraw(lp.a, request, claimId);
        assert.equal(result.stakeRecipient, lp.a.address);
        assert.deepEqual(result.deposit, { requestId: request.requestId, receiver: lp.a.address });
        assert.equal(await tokenBalance(lp.a), before + request.amount + request.lpFee);
        assert.ok(request.lpFee > 0n, "the devnet charges an LP fee");
      },
    );

    const contested = await createRequest(user.a, b, 3n * TOKEN);

    await t.step("a false claim is challenged and the challenger wins the stakes", async () => {
      const { claimId } = await claim(otherLp.a, contested, fakeFillId("false"), stake);
      await challenge(user2.a, contested, claimId, stake + 1n);
      await devnet.advanceTime(
        PARAMS.claimPeriod + PARAMS.challengePeriodExtension + PARAMS.finalityPeriod + 1,
      );
      const ethBefore = await user2.a.reader.getBalance({ address: user2.a.address });
      const result = await withdraw(user2.a, contested, claimId);
      const gas = result.receipt.gasUsed * result.receipt.effectiveGasPrice;
      const ethAfter = await user2.a.reader.getBalance({ address: user2.a.address });
      assert.equal(result.stakeRecipient, user2.a.address);
      assert.equal(result.deposit, undefined, "the deposit stays for an honest claim");
      assert.equal(ethAfter - ethBefore + gas, 2n * stake + 1n);
    });

    await t.step("a second claim after a lost one wins the deposit", async () => {
      const fillId = await fill(lp.b, contested);
      const { claimId } = await claim(lp.a, contested, fillId, stake);
      await devnet.advanceTime(PARAMS.claimPeriod + 1);
      const before = await tokenBalance(lp.a);
      const result = await withdraw(lp.a, contested, claimId);
      assert.equal(result.stakeRecipient, lp.a.address);
      assert.equal(result.deposit?.receiver, lp.a.address);
      assert.equal(await tokenBalance(lp.a), before + contested.amount + contested.lpFee);
    });

    await t.step(
      "a challenged claim is defended by L1 resolution carried by the relay",
      async () => {
        const request = await createRequest(user.a, b, TOKEN);
        const fillId = await fill(lp.b, request);
        const { claimId } = await claim(lp.a, request, fillId, stake);
        await challenge(otherLp.a, request, claimId, stake + 1n);

        const stats = await relayPending(info);
        assert.equal(stats.failed, 0, JSON.stringify(stats.messages.filter((m) => m.reason)));
        const resolved = await lp.a.reader.getContractEvents({
          address: rmA,
          abi: requestManagerAbi,
          eventName: "RequestResolved",
          fromBlock: 0n,
        });
        const mine = resolved.find((e) => e.args.requestId === request.requestId);
        assert.ok(mine, "RequestResolved on the source RequestManager");
        assert.equal(mine.args.filler, lp.a.address);
        assert.equal(mine.args.fillId, fillId);

        // No time advance: resolution settles the claim at once.
        const before = await tokenBalance(lp.a);
        const result = await withdraw(lp.a, request, claimId);
        assert.equal(result.stakeRecipient, lp.a.address);
        assert.equal(result.deposit?.receiver, lp.a.address);
        assert.equal(await tokenBalance(lp.a), before + request.amount + request.lpFee);
      },
    );

    await t.step("a false claim is defeated by a non-fill proof carried by the relay", async () => {
      // B → A this time: the claim lives on rollup B, the proof starts on rollup A.
      const request = await createRequest(user.b, a, TOKEN);
      const falseFill = fakeFillId("invalidated");
      const { claimId } = await claim(otherLp.b, request, falseFill, stake);
      await challenge(lp.b, request, claimId, stake + 1n);
      const receipt = await lp.a.confirm(lp.a.wallet.writeContract({
        address: a.fillManager,
        abi: fillManagerAbi,
        functionName: "invalidateFill",
        args: [
          BigInt(b.chainId),
          a.tokens.TST,
          request.sender,
          request.amount,
          request.nonce,
          falseFill,
        ],
      }));
      assert.equal(eventsOf(fillManagerAbi, "FillInvalidated", receipt, a.fillManager).length, 1);

      const stats = await relayPending(info);
      assert.equal(stats.failed, 0, JSON.stringify(stats.messages.filter((m) => m.reason)));
      const invalidated = await lp.b.reader.getContractEvents({
        address: rmB,
        abi: requestManagerAbi,
        eventName: "FillInvalidatedResolved",
        fromBlock: 0n,
      });
      assert.ok(
        invalidated.some((e) =>
          e.args.requestId === request.requestId && e.args.fillId === falseFill
        ),
        "FillInvalidatedResolved on the source RequestManager",
      );

      const result = await withdraw(lp.b, request, claimId);
      assert.equal(result.stakeRecipient, lp.b.address);
      assert.equal(result.deposit, undefined);
    });

    await t.step("an expired request is refunded with its fees", async () => {
      const request = await createRequest(user.a, b, TOKEN, 1800);
      const balance = await tokenBalance(user.a);
      const early = await revertReasonOf(() =>
        user.a.reader.simulateContract({
          account: user.a.wallet.account,
          address: rmA,
          abi: requestManagerAbi,
          functionName: "withdrawExpiredRequest",
          args: [request.requestId],
        })
      );
      assert.equal(early, "Request not expired yet");
      await devnet.advanceTime(1800);
      const receipt = await user2.a.confirm(user2.a.wallet.writeContract({
        address: rmA,
        abi: requestManagerAbi,
        functionName: "withdrawExpiredRequest",
        args: [request.requestId],
      }));
      const [refund] = eventsOf(requestManagerAbi, "DepositWithdrawn", receipt, rmA);
      assert.deepEqual(refund.args, { requestId: request.requestId, receiver: user.a.address });
      assert.equal(
        await tokenBalance(user.a),
        balance + request.amount + request.lpFee + request.protocolFee,
      );
    });
  } finally {
    await devnet.stop();
  }
});

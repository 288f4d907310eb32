import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { requestManagerAbi } from "../../lib/chain/abi.ts";
import {
  advance,
  claim,
  CLAIM_PERIOD,
  CLAIM_STAKE,
  contractSuite,
  createRequest,
  ethBalance,
  eventsOf,
  expectRevert,
  type Fixture,
  read,
  rmCall,
  send,
  tokenBalance,
  withdrawCall,
} from "./_fixture.ts";
import type { DevAccount } from "../../scripts/devnet/types.ts";

const FILL_ID: Hex = `0x${"11".repeat(32)}`;
const OTHER_FILL_ID: Hex = `0x${"22".repeat(32)}`;

/** withdraw(participant, claimId) sent by `by`; returns the participant-side receipt. */
function withdrawFor(fx: Fixture, by: DevAccount, participant: Address, claimId: bigint) {
  return send(fx, by, rmCall(fx, "withdraw", [participant, claimId]));
}

async function challenge(fx: Fixture, who: DevAccount, claimId: bigint, value: bigint) {
  await send(fx, who, rmCall(fx, "challengeClaim", [claimId], value));
}

contractSuite("RequestManager withdrawals and payouts", async (step) => {
  await step(
    "an unchallenged claim pays stake, amount and LP fee to the claimer after termination",
    async (fx) => {
      await send(fx, fx.owner, rmCall(fx, "updateFees", [0, 1000, 2000]));
      const amount = 2n * 10n ** 18n;
      const request = await createRequest(fx, amount);
      const claimId = await claim(fx, request, FILL_ID);
      await expectRevert(fx, fx.lp, withdrawCall(fx, claimId), "Claim period not finished");
      await advance(fx, CLAIM_PERIOD);

      const eth0 = await ethBalance(fx, fx.lp.address);
      const tok0 = await tokenBalance(fx, fx.lp.address);
      const receipt = await withdrawFor(fx, fx.users[4], fx.lp.address, claimId);
      assert.equal(await ethBalance(fx, fx.lp.address), eth0 + CLAIM_STAKE);
      const lpFee = amount * 1000n / 1_000_000n;
      const protocolFee = amount * 2000n / 1_000_000n;
      assert.equal(await tokenBalance(fx, fx.lp.address), tok0 + amount + lpFee);
      assert.equal(await tokenBalance(fx, fx.rm), protocolFee);

      const events = eventsOf(receipt, fx.rm, requestManagerAbi);
      assert.deepEqual(events.map((e) => e.eventName), ["ClaimStakeWithdrawn", "DepositWithdrawn"]);
      assert.deepEqual(events[0].args, {
        claimId,
        requestId: request.id,
        stakeRecipient: fx.lp.address,
      });
      assert.deepEqual(events[1].args, { requestId: request.id, receiver: fx.lp.address });

      const stored = await read<readonly unknown[]>(fx, rmCall(fx, "requests", [request.id]));
      assert.equal(stored[7], 0, "activeClaims");
      assert.equal(stored[8], claimId, "withdrawClaimId");
      assert.equal(await read(fx, rmCall(fx, "isWithdrawn", [request.id])), true);
      const [, , collected] = await read<readonly bigint[]>(fx, rmCall(fx, "tokens", [fx.token]));
      assert.equal(collected, protocolFee);
      await expectRevert(fx, fx.lp, withdrawCall(fx, claimId), "Claim already withdrawn");

      // the owner collects the protocol fee, once
      const ownerTok = await tokenBalance(fx, fx.users[4].address);
      await send(fx, fx.owner, rmCall(fx, "withdrawProtocolFees", [fx.token, fx.users[4].address]));
      assert.equal(await tokenBalance(fx, fx.users[4].address), ownerTok + protocolFee);
      await expectRevert(
        fx,
        fx.owner,
        rmCall(fx, "withdrawProtocolFees", [fx.token, fx.owner.address]),
        "Protocol fee is zero",
      );
    },
  );

  await step("the claimer's own withdraw(claimId) returns the stake recipient", async (fx) => {
    const request = await createRequest(fx);
    const claimId = await claim(fx, request, FILL_ID);
    await advance(fx, CLAIM_PERIOD);
    const { result } = await fx.client.simulateContract({
      address: fx.rm,
      abi: requestManagerAbi,
      functionName: "withdraw",
      args: [claimId],
      account: fx.lp.address,
    });
    assert.equal(result, fx.lp.address);
    await send(fx, fx.lp, withdrawCall(fx, claimId));
    await expectRevert(fx, fx.lp, withdrawCall(fx, 999n), "claimId not valid");
  });

  await step("a defended claim pays every stake to the claimer, whoever withdraws", async (fx) => {
    const request = await createRequest(fx);
    const claimId = await claim(fx, request, FILL_ID);
    await challenge(fx, fx.users[1], claimId, 101n);
    await challenge(fx, fx.lp, claimId, 101n); // claimer 201 vs 101
    await advance(fx, 1000);
    const eth0 = await ethBalance(fx, fx.lp.address);
    const tok0 = await tokenBalance(fx, fx.lp.address);
    await withdrawFor(fx, fx.users[4], fx.users[1].address, claimId);
    assert.equal(await ethBalance(fx, fx.lp.address), eth0 + 302n);
    assert.equal(await tokenBalance(fx, fx.lp.address), tok0 + request.amount);
    await expectRevert(fx, fx.users[1], withdrawCall(fx, claimId), "Claim already withdrawn");
  });

  await step(
    "challengers split a lost claim: C1 gets 202 and C2 gets 220 (claimStake 100)",
    async (fx) => {
      const [c1, c2, outsider] = [fx.users[1], fx.users[2], fx.users[4]];
      const request = await createRequest(fx);
      const claimId = await claim(fx, request, FILL_ID); // claimer 100
      await challenge(fx, c1, claimId, 101n); // C1 101
      await challenge(fx, fx.lp, claimId, 110n); // claimer 210
      await challenge(fx, c2, claimId, 111n); // C2 111, challengers 212
      await advance(fx, 1000);

      const c1Eth = await ethBalance(fx, c1.address);
      await withdrawFor(fx, outsider, c1.address, claimId);
      assert.equal(await ethBalance(fx, c1.address), c1Eth + 202n);
      await expectRevert(fx, c1, withdrawCall(fx, claimId), "Challenger has nothing to withdraw");
      await expectRevert(
        fx,
        fx.lp,
        withdrawCall(fx, claimId),
        "Challenger has nothing to withdraw",
      );

      const c2Eth = await ethBalance(fx, c2.address);
      const receipt = await withdrawFor(fx, outsider, c2.address, claimId);
      assert.equal(await ethBalance(fx, c2.address), c2Eth + 220n);
      const events = eventsOf(receipt, fx.rm, requestManagerAbi);
      assert.deepEqual(events.map((e) => e.eventName), ["ClaimStakeWithdrawn"]);
      assert.equal(events[0].args.stakeRecipient, c2.address);

      assert.equal(await ethBalance(fx, fx.rm), 0n);
      await expectRevert(fx, c2, withdrawCall(fx, claimId), "Claim already withdrawn");
      // the deposit stays for a later valid claim
      assert.equal(await read(fx, rmCall(fx, "isWithdrawn", [request.id])), false);
      const stored = await read<readonly unknown[]>(fx, rmCall(fx, "requests", [request.id]));
      assert.equal(stored[7], 0, "activeClaims");
    },
  );

  await step(
    "the last challenger of a won claim also gets the claimer's excess stake",
    async (fx) => {
      const request = await createRequest(fx);
      const claimId = await claim(fx, request, FILL_ID);
      await challenge(fx, fx.users[1], claimId, 150n); // challengers 150 vs claimer 100
      await advance(fx, 1000);
      const eth0 = await ethBalance(fx, fx.users[1].address);
      await withdrawFor(fx, fx.users[4], fx.users[1].address, claimId);
      // 2 * 150 - (150 - 100) = 250 = the whole pot
      assert.equal(await ethBalance(fx, fx.users[1].address), eth0 + 250n);
    },
  );

  await step(
    "after a valid claim took the deposit, rival claims lose and twins get their stake",
    async (fx) => {
      const request = await createRequest(fx);
      const first = await claim(fx, request, FILL_ID, fx.lp);
      const rival = await claim(fx, request, OTHER_FILL_ID, fx.otherLp);
      await advance(fx, CLAIM_PERIOD);
      const twin = await claim(fx, request, FILL_ID, fx.lp); // termination still ahead
      const rivalChallenged = await claim(fx, request, OTHER_FILL_ID, fx.otherLp);
      await challenge(fx, fx.users[1], rivalChallenged, 101n);

      await withdrawFor(fx, fx.users[4], fx.lp.address, first);

      // rule 3: decided immediately, no "Claim period not finished"
      const ownerEth = await ethBalance(fx, fx.owner.address);
      const rivalReceipt = await withdrawFor(fx, fx.users[4], fx.otherLp.address, rival);
      assert.equal(await ethBalance(fx, fx.owner.address), ownerEth + CLAIM_STAKE);
      assert.equal(
        eventsOf(rivalReceipt, fx.rm, requestManagerAbi)[0].args.stakeRecipient,
        fx.owner.address,
      );

      const lpEth = await ethBalance(fx, fx.lp.address);
      const lpTok = await tokenBalance(fx, fx.lp.address);
      const twinReceipt = await withdrawFor(fx, fx.users[4], fx.lp.address, twin);
      assert.equal(await ethBalance(fx, fx.lp.address), lpEth + CLAIM_STAKE);
      assert.equal(await tokenBalance(fx, fx.lp.address), lpTok, "no second deposit");
      assert.deepEqual(
        eventsOf(twinReceipt, fx.rm, requestManagerAbi).map((e) => e.eventName),
        ["ClaimStakeWithdrawn"],
      );

      const challengerEth = await ethBalance(fx, fx.users[1].address);
      await withdrawFor(fx, fx.users[4], fx.users[1].address, rivalChallenged);
      assert.equal(await ethBalance(fx, fx.users[1].address), challengerEth + 201n);
    },
  );

  await step("a stake that cannot be delivered reverts with Failed to send Ether", async (fx) => {
    // the FillManager has no receive function: whitelist it as a claimer and let it win
    await send(fx, fx.owner, rmCall(fx, "addAllowedLp", [fx.fm]));
    const request = await createRequest(fx);
    await send(
      fx,
      fx.users[3],
      rmCall(fx, "claimRequest", [fx.fm, request.id, FILL_ID], CLAIM_STAKE),
    );
    await advance(fx, CLAIM_PERIOD);
    const claimId = await read<bigint>(fx, rmCall(fx, "currentNonce"));
    await expectRevert(
      fx,
      fx.users[3],
      rmCall(fx, "withdraw", [fx.fm, claimId]),
      "Failed to send Ether",
    );
  });
});

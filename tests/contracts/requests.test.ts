import assert from "node:assert/strict";
import { erc20Abi, requestManagerAbi } from "../../lib/chain/abi.ts";
import {
  advance,
  CHAIN_ID,
  claim,
  CLAIM_STAKE,
  contractSuite,
  createRequest,
  eventsOf,
  expectRevert,
  now,
  read,
  rmCall,
  send,
  TOKEN_BALANCE,
  tokenBalance,
  TRANSFER_LIMIT,
  withdrawCall,
} from "./_fixture.ts";
import type { Hex } from "viem";

const CID = BigInt(CHAIN_ID);

contractSuite("RequestManager requests", async (step) => {
  await step(
    "createRequest stores the request, emits RequestCreated and takes the deposit",
    async (fx) => {
      await send(fx, fx.owner, rmCall(fx, "updateFees", [0, 1000, 2000]));
      const user = fx.users[0];
      const amount = 5n * 10n ** 18n;
      const before = await tokenBalance(fx, user.address);
      const ts0 = await now(fx);
      const request = await createRequest(fx, amount, { validity: 3600n });
      const lpFee = amount * 1000n / 1_000_000n;
      const protocolFee = amount * 2000n / 1_000_000n;
      assert.equal(request.nonce, 1n);
      assert.equal(await read(fx, rmCall(fx, "currentNonce")), 1n);
      assert.equal(await tokenBalance(fx, user.address), before - amount - lpFee - protocolFee);
      assert.equal(await tokenBalance(fx, fx.rm), amount + lpFee + protocolFee);

      const [event] = eventsOf(request.receipt, fx.rm, requestManagerAbi);
      assert.equal(event.eventName, "RequestCreated");
      const ts = (await fx.client.getBlock({ blockNumber: request.receipt.blockNumber })).timestamp;
      assert.ok(ts >= ts0);
      assert.deepEqual(event.args, {
        requestId: request.id,
        targetChainId: CID,
        sourceTokenAddress: fx.token,
        targetTokenAddress: fx.token,
        sourceAddress: user.address,
        targetAddress: user.address,
        amount,
        nonce: 1n,
        validUntil: Number(ts + 3600n),
        lpFee,
        protocolFee,
      });
      const stored = await read<unknown[]>(fx, rmCall(fx, "requests", [request.id]));
      assert.deepEqual(stored, [
        user.address,
        fx.token,
        CID,
        amount,
        Number(ts + 3600n),
        lpFee,
        protocolFee,
        0,
        0n,
        "0x0000000000000000000000000000000000000000",
        "0x0000000000000000000000000000000000000000000000000000000000000000",
      ]);
      const second = await createRequest(fx, amount);
      assert.equal(second.nonce, 2n);
      assert.notEqual(second.id, request.id);
    },
  );

  await step(
    "createRequest accepts validity periods of exactly 1800 and 172800 seconds",
    async (fx) => {
      await createRequest(fx, 1n, { validity: 1800n });
      await createRequest(fx, 1n, { validity: 172800n });
      assert.equal(await read(fx, rmCall(fx, "MIN_VALIDITY_PERIOD")), 1800n);
      assert.equal(await read(fx, rmCall(fx, "MAX_VALIDITY_PERIOD")), 172800n);
    },
  );

  const args = (fx: { token: Hex }, o: Partial<Record<string, unknown>> = {}) => [
    o.target ?? CID,
    o.token ?? fx.token,
    fx.token,
    "0x000000000000000000000000000000000000dEaD",
    o.amount ?? 10n ** 18n,
    o.validity ?? 1800n,
  ];

  await step("createRequest reverts while paused and works again after unpause", async (fx) => {
    const paused = await send(fx, fx.owner, rmCall(fx, "pause"));
    assert.equal(eventsOf(paused, fx.rm, requestManagerAbi)[0].eventName, "Paused");
    assert.equal(await read(fx, rmCall(fx, "paused")), true);
    await expectRevert(fx, fx.users[0], rmCall(fx, "createRequest", args(fx)), "Pausable: paused");
    await expectRevert(fx, fx.owner, rmCall(fx, "pause"), "Pausable: paused");
    const unpaused = await send(fx, fx.owner, rmCall(fx, "unpause"));
    assert.equal(eventsOf(unpaused, fx.rm, requestManagerAbi)[0].eventName, "Unpaused");
    await expectRevert(fx, fx.owner, rmCall(fx, "unpause"), "Pausable: not paused");
    await send(fx, fx.users[0], rmCall(fx, "createRequest", args(fx)));
  });

  await step(
    "createRequest refuses a target chain that is not configured or disabled",
    async (fx) => {
      await expectRevert(
        fx,
        fx.users[0],
        rmCall(fx, "createRequest", args(fx, { target: 999n })),
        "Target rollup not supported",
      );
      await send(fx, fx.owner, rmCall(fx, "updateChain", [CID, 0n, 0n, 0n]));
      await expectRevert(
        fx,
        fx.users[0],
        rmCall(fx, "createRequest", args(fx)),
        "Target rollup not supported",
      );
    },
  );

  await step("createRequest refuses validity periods outside 1800..172800 seconds", async (fx) => {
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "createRequest", args(fx, { validity: 1799n })),
      "Validity period too short",
    );
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "createRequest", args(fx, { validity: 172801n })),
      "Validity period too long",
    );
  });

  await step("createRequest refuses amounts above the token's transfer limit", async (fx) => {
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "createRequest", args(fx, { amount: TRANSFER_LIMIT + 1n })),
      "Amount exceeds transfer limit",
    );
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "createRequest", args(fx, { token: fx.rm })),
      "Amount exceeds transfer limit",
    );
  });

  await step("createRequest checks the allowance covers amount plus fees", async (fx) => {
    await send(fx, fx.owner, rmCall(fx, "updateFees", [0, 10_000, 0]));
    const amount = 10n ** 18n;
    await send(fx, fx.users[1], {
      address: fx.token,
      abi: erc20Abi,
      functionName: "approve",
      args: [fx.rm, amount],
    });
    await expectRevert(
      fx,
      fx.users[1],
      rmCall(fx, "createRequest", args(fx, { amount })),
      "Insufficient allowance",
    );
  });

  await step("createRequest passes the token's own error when the balance is short", async (fx) => {
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "createRequest", args(fx, { amount: TOKEN_BALANCE + 1n })),
      "ERC20: transfer amount exceeds balance",
    );
  });

  await step("an expired request is refunded with its fees to its sender, once", async (fx) => {
    await send(fx, fx.owner, rmCall(fx, "updateFees", [0, 1000, 2000]));
    const user = fx.users[2];
    const before = await tokenBalance(fx, user.address);
    const request = await createRequest(fx, 10n ** 18n, { sender: user });
    await expectRevert(
      fx,
      fx.otherLp,
      rmCall(fx, "withdrawExpiredRequest", [request.id]),
      "Request not expired yet",
    );
    assert.equal(await read(fx, rmCall(fx, "isWithdrawn", [request.id])), false);
    await advance(fx, 1800);
    await send(fx, fx.owner, rmCall(fx, "pause")); // refunds work while paused
    const receipt = await send(fx, fx.otherLp, rmCall(fx, "withdrawExpiredRequest", [request.id]));
    const [event] = eventsOf(receipt, fx.rm, requestManagerAbi);
    assert.equal(event.eventName, "DepositWithdrawn");
    assert.deepEqual(event.args, { requestId: request.id, receiver: user.address });
    assert.equal(await tokenBalance(fx, user.address), before);
    assert.equal(await read(fx, rmCall(fx, "isWithdrawn", [request.id])), true);
    const stored = await read<unknown[]>(fx, rmCall(fx, "requests", [request.id]));
    assert.equal(stored[8], await read(fx, rmCall(fx, "CLAIM_ID_WITHDRAWN_EXPIRED")));
    assert.equal(stored[8], 2n ** 96n - 1n);
    await expectRevert(
      fx,
      fx.otherLp,
      rmCall(fx, "withdrawExpiredRequest", [request.id]),
      "Deposit already withdrawn",
    );
    await expectRevert(
      fx,
      fx.lp,
      rmCall(fx, "claimRequest", [request.id, `0x${"11".repeat(32)}`], CLAIM_STAKE),
      "Deposit already withdrawn",
    );
  });

  await step(
    "an expired request with an active claim cannot be refunded until it is withdrawn",
    async (fx) => {
      const request = await createRequest(fx);
      const claimId = await claim(fx, request, `0x${"22".repeat(32)}`, fx.otherLp);
      // a challenger wins the claim; the claim stops being active on its first withdraw
      await send(fx, fx.users[3], rmCall(fx, "challengeClaim", [claimId], CLAIM_STAKE + 1n));
      await advance(fx, 1800);
      await expectRevert(
        fx,
        fx.users[0],
        rmCall(fx, "withdrawExpiredRequest", [request.id]),
        "Active claims running",
      );
      await send(fx, fx.users[3], withdrawCall(fx, claimId));
      await send(fx, fx.users[0], rmCall(fx, "withdrawExpiredRequest", [request.id]));
    },
  );

  await step(
    "unknown request ids are refused by withdrawExpiredRequest and isWithdrawn",
    async (fx) => {
      const unknown = `0x${"ab".repeat(32)}`;
      await expectRevert(
        fx,
        fx.users[0],
        rmCall(fx, "withdrawExpiredRequest", [unknown]),
        "requestId not valid",
      );
      await expectRevert(
        fx,
        fx.users[0],
        rmCall(fx, "isWithdrawn", [unknown]),
        "requestId not valid",
      );
    },
  );
});

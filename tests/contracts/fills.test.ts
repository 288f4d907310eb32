import assert from "node:assert/strict";
import { encodeFunctionData, type Hex } from "viem";
import { erc20Abi, fillManagerAbi, resolverAbi } from "../../lib/chain/abi.ts";
import { mine, setAutomine } from "../../scripts/devnet/anvil.ts";
import {
  CHAIN_ID,
  contractSuite,
  type CreatedRequest,
  createRequest,
  deployExtra,
  eventsOf,
  expectRevert,
  fill,
  type Fixture,
  fmCall,
  messengerAbi,
  minedRevertReason,
  read,
  send,
  sendRaw,
  tokenBalance,
  ZERO_ADDRESS,
  ZERO_HASH,
} from "./_fixture.ts";

const CID = BigInt(CHAIN_ID);
const FALSE_FILL_ID: Hex = `0x${"22".repeat(32)}`;

const fillArgs = (fx: Fixture, r: CreatedRequest) =>
  [CID, fx.token, r.receiver, r.amount, r.nonce] as const;
const invalidateArgs = (fx: Fixture, r: CreatedRequest, fillId: Hex) =>
  [...fillArgs(fx, r), fillId] as const;

contractSuite("FillManager fills and non-fill proofs", async (step) => {
  await step(
    "fillRequest pays the receiver, records the parent block hash and sends a fill proof",
    async (fx) => {
      const receiver = fx.users[4].address;
      const request = await createRequest(fx, 3n * 10n ** 18n, { receiver });
      const lp0 = await tokenBalance(fx, fx.lp.address);
      const rc0 = await tokenBalance(fx, receiver);
      const { fillId, receipt } = await fill(fx, request);
      const parent = await fx.client.getBlock({ blockNumber: receipt.blockNumber - 1n });
      assert.equal(fillId, parent.hash);
      assert.equal(await tokenBalance(fx, fx.lp.address), lp0 - request.amount);
      assert.equal(await tokenBalance(fx, receiver), rc0 + request.amount);

      const [filled] = eventsOf(receipt, fx.fm, fillManagerAbi);
      assert.equal(filled.eventName, "RequestFilled");
      assert.deepEqual(filled.args, {
        requestId: request.id, // the off-chain id is the FillManager's id
        fillId,
        sourceChainId: CID,
        targetTokenAddress: fx.token,
        filler: fx.lp.address,
        amount: request.amount,
      });
      const [sent] = eventsOf(receipt, fx.l2Messenger, messengerAbi);
      assert.equal(sent.eventName, "MessageSent");
      assert.equal(sent.args.nonce, 1n);
      assert.equal(sent.args.target, fx.resolver);
      assert.equal(
        sent.args.message,
        encodeFunctionData({
          abi: resolverAbi,
          functionName: "resolve",
          args: [request.id, fillId, CID, CID, fx.lp.address],
        }),
      );
    },
  );

  await step("fillRequest returns the fill id", async (fx) => {
    const request = await createRequest(fx);
    const { result } = await fx.client.simulateContract({
      address: fx.fm,
      abi: fillManagerAbi,
      functionName: "fillRequest",
      args: fillArgs(fx, request),
      account: fx.lp.address,
    });
    assert.match(result, /^0x[0-9a-f]{64}$/);
    assert.notEqual(result, ZERO_HASH);
  });

  await step("fillRequest refuses non-whitelisted fillers and second fills", async (fx) => {
    const request = await createRequest(fx);
    await expectRevert(
      fx,
      fx.users[0],
      fmCall(fx, "fillRequest", fillArgs(fx, request)),
      "Not allowed",
    );
    await fill(fx, request);
    await expectRevert(
      fx,
      fx.otherLp,
      fmCall(fx, "fillRequest", fillArgs(fx, request)),
      "Already filled",
    );
  });

  await step(
    "fillRequest passes the token's error when the LP's allowance is short",
    async (fx) => {
      const request = await createRequest(fx);
      await send(fx, fx.otherLp, {
        address: fx.token,
        abi: erc20Abi,
        functionName: "approve",
        args: [fx.fm, 0n],
      });
      await expectRevert(
        fx,
        fx.otherLp,
        fmCall(fx, "fillRequest", fillArgs(fx, request)),
        "ERC20: insufficient allowance",
      );
    },
  );

  await step(
    "a FillManager without resolver refuses fills and invalidations; the resolver is set once",
    async (fx) => {
      const bare = await deployExtra(fx, "FillManager", [fx.l2Messenger]);
      await send(fx, fx.owner, {
        address: bare,
        abi: fillManagerAbi,
        functionName: "addAllowedLp",
        args: [fx.lp.address],
      });
      const request = await createRequest(fx);
      const call = (functionName: string, args: readonly unknown[]) => ({
        address: bare,
        abi: fillManagerAbi,
        functionName,
        args,
      });
      await expectRevert(
        fx,
        fx.lp,
        call("fillRequest", fillArgs(fx, request)),
        "Resolver address not set",
      );
      await expectRevert(
        fx,
        fx.lp,
        call("invalidateFill", invalidateArgs(fx, request, FALSE_FILL_ID)),
        "Resolver address not set",
      );
      assert.equal(await read(fx, call("l1Resolver", [])), ZERO_ADDRESS);
      assert.equal(await read(fx, call("messenger", [])), fx.l2Messenger);
      await send(fx, fx.owner, call("setResolver", [fx.resolver]));
      assert.equal(await read(fx, call("l1Resolver", [])), fx.resolver);
      await expectRevert(fx, fx.owner, call("setResolver", [fx.resolver]), "Resolver already set");
    },
  );

  await step(
    "invalidateFill refuses the real fill id and fill id 0 of an unfilled request",
    async (fx) => {
      const filled = await createRequest(fx);
      const { fillId } = await fill(fx, filled);
      await expectRevert(
        fx,
        fx.users[1],
        fmCall(fx, "invalidateFill", invalidateArgs(fx, filled, fillId)),
        "Fill valid",
      );
      const unfilled = await createRequest(fx);
      await expectRevert(
        fx,
        fx.users[1],
        fmCall(fx, "invalidateFill", invalidateArgs(fx, unfilled, ZERO_HASH)),
        "Fill valid",
      );
    },
  );

  await step("invalidateFill refuses the fill id a fill in the same block gets", async (fx) => {
    const filled = await createRequest(fx);
    const unfilled = await createRequest(fx);
    const parent = await fx.client.getBlock();
    // in one block with a real fill that gets exactly that fill id
    await setAutomine(fx.anvil.rpcHttp, false);
    const fillHash = await sendRaw(fx, fx.lp, fmCall(fx, "fillRequest", fillArgs(fx, filled)));
    const invHash = await sendRaw(
      fx,
      fx.users[1],
      fmCall(fx, "invalidateFill", invalidateArgs(fx, unfilled, parent.hash)),
    );
    await mine(fx.anvil.rpcHttp);
    await setAutomine(fx.anvil.rpcHttp, true);
    const fillReceipt = await fx.client.getTransactionReceipt({ hash: fillHash });
    const invReceipt = await fx.client.getTransactionReceipt({ hash: invHash });
    assert.equal(fillReceipt.blockNumber, invReceipt.blockNumber);
    assert.equal(fillReceipt.status, "success");
    assert.equal(invReceipt.status, "reverted");
    assert.equal(await read(fx, fmCall(fx, "fills", [filled.id])), parent.hash);
    assert.equal(await minedRevertReason(fx, invHash), "Cannot invalidate fills of current block");
  });

  await step("invalidateFill emits FillInvalidated and sends a non-fill proof", async (fx) => {
    const request = await createRequest(fx);
    const receipt = await send(
      fx,
      fx.users[1],
      fmCall(fx, "invalidateFill", invalidateArgs(fx, request, FALSE_FILL_ID)),
    );
    const [event] = eventsOf(receipt, fx.fm, fillManagerAbi);
    assert.equal(event.eventName, "FillInvalidated");
    assert.deepEqual(event.args, { requestId: request.id, fillId: FALSE_FILL_ID });
    const [sent] = eventsOf(receipt, fx.l2Messenger, messengerAbi);
    assert.equal(
      sent.args.message,
      encodeFunctionData({
        abi: resolverAbi,
        functionName: "resolve",
        args: [request.id, FALSE_FILL_ID, CID, CID, ZERO_ADDRESS],
      }),
    );
  });
});

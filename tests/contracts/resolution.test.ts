import assert from "node:assert/strict";
import { encodeFunctionData, type Hex } from "viem";
import { erc20Abi, fillManagerAbi, requestManagerAbi, resolverAbi } from "../../lib/chain/abi.ts";
import { mine, setAutomine } from "../../scripts/devnet/anvil.ts";
import {
  CHAIN_ID,
  claim,
  CLAIM_STAKE,
  contractSuite,
  type CreatedRequest,
  createRequest,
  deliverAll,
  deployExtra,
  ethBalance,
  eventsOf,
  expectRevert,
  fill,
  type Fixture,
  fmCall,
  messengerAbi,
  minedRevertReason,
  read,
  resolverCall,
  resolveThroughL1,
  rmCall,
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

/** Have the L1 messenger deliver `data` to the RequestManager (as the Resolver's message would). */
function deliverToManager(fx: Fixture, nonce: bigint, data: Hex) {
  return send(fx, fx.relayer, {
    address: fx.l1Messenger,
    abi: messengerAbi,
    functionName: "deliverMessage",
    args: [fx.l1Messenger, nonce, fx.rm, data],
  });
}
function deliverToManagerCall(fx: Fixture, nonce: bigint, data: Hex) {
  return {
    address: fx.l1Messenger,
    abi: messengerAbi,
    functionName: "deliverMessage",
    args: [fx.l1Messenger, nonce, fx.rm, data],
  };
}
const resolveRequestData = (id: Hex, fillId: Hex, filler: Hex) =>
  encodeFunctionData({
    abi: requestManagerAbi,
    functionName: "resolveRequest",
    args: [id, fillId, CID, filler],
  });
const invalidateFillData = (id: Hex, fillId: Hex) =>
  encodeFunctionData({
    abi: requestManagerAbi,
    functionName: "invalidateFill",
    args: [id, fillId, CID],
  });

contractSuite("FillManager, Resolver and L1 resolution", async (step) => {
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

  await step(
    "a relayed fill proof resolves the request: the filler's claim wins at once, a false one loses",
    async (fx) => {
      const request = await createRequest(fx);
      const { fillId, receipt } = await fill(fx, request);
      const honest = await claim(fx, request, fillId, fx.lp);
      const falseClaim = await claim(fx, request, FALSE_FILL_ID, fx.otherLp);
      const { atResolver, atManager } = await resolveThroughL1(fx, receipt);

      const [resolution] = eventsOf(atResolver, fx.resolver, resolverAbi);
      assert.equal(resolution.eventName, "Resolution");
      assert.deepEqual(resolution.args, {
        sourceChainId: CID,
        fillChainId: CID,
        requestId: request.id,
        filler: fx.lp.address,
        fillId,
      });
      const [toManager] = eventsOf(atResolver, fx.l1Messenger, messengerAbi);
      assert.equal(toManager.args.target, fx.rm);
      assert.equal(toManager.args.message, resolveRequestData(request.id, fillId, fx.lp.address));
      const [resolved] = eventsOf(atManager, fx.rm, requestManagerAbi);
      assert.equal(resolved.eventName, "RequestResolved");
      assert.deepEqual(resolved.args, { requestId: request.id, filler: fx.lp.address, fillId });
      const delivered = eventsOf(atManager, fx.l1Messenger, messengerAbi);
      assert.deepEqual(delivered.map((e) => e.eventName), ["MessageDelivered"]);
      const stored = await read<readonly unknown[]>(fx, rmCall(fx, "requests", [request.id]));
      assert.equal(stored[9], fx.lp.address);
      assert.equal(stored[10], fillId);

      // rule 1: no waiting for termination
      const lpTok = await tokenBalance(fx, fx.lp.address);
      await send(fx, fx.lp, rmCall(fx, "withdraw", [honest]));
      assert.equal(await tokenBalance(fx, fx.lp.address), lpTok + request.amount);
      const ownerEth = await ethBalance(fx, fx.owner.address);
      await send(fx, fx.users[4], rmCall(fx, "withdraw", [fx.otherLp.address, falseClaim]));
      assert.equal(await ethBalance(fx, fx.owner.address), ownerEth + CLAIM_STAKE);
    },
  );

  await step("a relayed non-fill proof makes claims with that fill id lose at once", async (fx) => {
    const request = await createRequest(fx);
    const falseClaim = await claim(fx, request, FALSE_FILL_ID, fx.otherLp);
    await send(fx, fx.users[1], rmCall(fx, "challengeClaim", [falseClaim], CLAIM_STAKE + 1n));
    const receipt = await send(
      fx,
      fx.users[1],
      fmCall(fx, "invalidateFill", invalidateArgs(fx, request, FALSE_FILL_ID)),
    );
    const { atManager } = await resolveThroughL1(fx, receipt);
    const [event] = eventsOf(atManager, fx.rm, requestManagerAbi);
    assert.equal(event.eventName, "FillInvalidatedResolved");
    assert.deepEqual(event.args, { requestId: request.id, fillId: FALSE_FILL_ID });
    assert.equal(await read(fx, rmCall(fx, "isInvalidFill", [request.id, FALSE_FILL_ID])), true);
    const eth0 = await ethBalance(fx, fx.users[1].address);
    await send(fx, fx.users[4], rmCall(fx, "withdraw", [fx.users[1].address, falseClaim]));
    assert.equal(await ethBalance(fx, fx.users[1].address), eth0 + 2n * CLAIM_STAKE + 1n);
    // the deposit is untouched: the real filler can still claim it
    assert.equal(await read(fx, rmCall(fx, "isWithdrawn", [request.id])), false);
  });

  await step("a resolution clears an earlier invalidation and blocks later ones", async (fx) => {
    const request = await createRequest(fx);
    await deliverToManager(fx, 1n, invalidateFillData(request.id, FALSE_FILL_ID));
    await expectRevert(
      fx,
      fx.relayer,
      deliverToManagerCall(fx, 2n, invalidateFillData(request.id, FALSE_FILL_ID)),
      "Fill already invalidated",
    );
    await deliverToManager(fx, 3n, resolveRequestData(request.id, FALSE_FILL_ID, fx.lp.address));
    assert.equal(await read(fx, rmCall(fx, "isInvalidFill", [request.id, FALSE_FILL_ID])), false);
    await expectRevert(
      fx,
      fx.relayer,
      deliverToManagerCall(fx, 4n, invalidateFillData(request.id, `0x${"33".repeat(32)}`)),
      "Cannot invalidate resolved fills",
    );
  });

  await step(
    "the Resolver needs a request manager and a messenger for the source chain",
    async (fx) => {
      const resolve = (source: bigint) =>
        encodeFunctionData({
          abi: resolverAbi,
          functionName: "resolve",
          args: [`0x${"aa".repeat(32)}`, FALSE_FILL_ID, CID, source, fx.lp.address],
        });
      const viaL2 = (nonce: bigint, data: Hex) => ({
        address: fx.l2Messenger,
        abi: messengerAbi,
        functionName: "deliverMessage",
        args: [fx.l2Messenger, nonce, fx.resolver, data],
      });
      await expectRevert(
        fx,
        fx.relayer,
        viaL2(1n, resolve(999n)),
        "No request manager available for source chain",
      );
      await send(fx, fx.owner, resolverCall(fx, "addRequestManager", [555n, fx.rm, ZERO_ADDRESS]));
      assert.deepEqual(await read(fx, resolverCall(fx, "sourceChainInfos", [555n])), [
        fx.rm,
        ZERO_ADDRESS,
      ]);
      await expectRevert(
        fx,
        fx.relayer,
        viaL2(2n, resolve(555n)),
        "No messenger available for source chain",
      );
      await expectRevert(
        fx,
        fx.users[0],
        resolverCall(fx, "resolve", [
          `0x${"aa".repeat(32)}`,
          FALSE_FILL_ID,
          CID,
          CID,
          fx.lp.address,
        ]),
        "RestrictedCalls: call disallowed",
      );
    },
  );

  await step("resolveRequest and invalidateFill accept only the registered caller", async (fx) => {
    const id: Hex = `0x${"aa".repeat(32)}`;
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "resolveRequest", [id, FALSE_FILL_ID, CID, fx.lp.address]),
      "RestrictedCalls: call disallowed",
    );
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "invalidateFill", [id, FALSE_FILL_ID, CID]),
      "RestrictedCalls: call disallowed",
    );
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "resolveRequest", [id, FALSE_FILL_ID, 999n, fx.lp.address]),
      "RestrictedCalls: messenger not set",
    );
    await expectRevert(
      fx,
      fx.users[0],
      rmCall(fx, "invalidateFill", [id, FALSE_FILL_ID, 999n]),
      "RestrictedCalls: messenger not set",
    );
  });

  await step(
    "a caller on another chain is authenticated through its messenger's callAllowed",
    async (fx) => {
      const REMOTE = 777n;
      await send(fx, fx.owner, rmCall(fx, "addCaller", [REMOTE, fx.l1Messenger, fx.l2Messenger]));
      assert.equal(await read(fx, rmCall(fx, "callers", [REMOTE, 0n])), fx.l1Messenger);
      assert.equal(await read(fx, rmCall(fx, "callers", [REMOTE, 1n])), fx.l2Messenger);
      const id: Hex = `0x${"aa".repeat(32)}`;
      const data = encodeFunctionData({
        abi: requestManagerAbi,
        functionName: "resolveRequest",
        args: [id, FALSE_FILL_ID, REMOTE, fx.lp.address],
      });
      // direct calls are not deliveries
      await expectRevert(
        fx,
        fx.users[0],
        rmCall(fx, "resolveRequest", [id, FALSE_FILL_ID, REMOTE, fx.lp.address]),
        "RestrictedCalls: call disallowed",
      );
      const viaL2 = (remoteSender: Hex) => ({
        address: fx.l2Messenger,
        abi: messengerAbi,
        functionName: "deliverMessage",
        args: [remoteSender, 1n, fx.rm, data],
      });
      // a message from anyone but the registered remote caller is refused
      await expectRevert(fx, fx.relayer, viaL2(fx.resolver), "RestrictedCalls: call disallowed");
      const receipt = await send(fx, fx.relayer, viaL2(fx.l1Messenger));
      assert.equal(eventsOf(receipt, fx.rm, requestManagerAbi)[0].eventName, "RequestResolved");
      assert.equal(
        await read(fx, {
          address: fx.l2Messenger,
          abi: messengerAbi,
          functionName: "isDelivered",
          args: [fx.l1Messenger, 1n],
        }),
        true,
      );
    },
  );

  await step(
    "DevnetMessenger delivers only from the relayer, once, and bubbles empty reverts",
    async (fx) => {
      const call = (nonce: bigint, target: Hex, data: Hex) => ({
        address: fx.l1Messenger,
        abi: messengerAbi,
        functionName: "deliverMessage",
        args: [fx.l2Messenger, nonce, target, data],
      });
      const harmless = encodeFunctionData({ abi: requestManagerAbi, functionName: "currentNonce" });
      await expectRevert(
        fx,
        fx.users[0],
        call(1n, fx.rm, harmless),
        "DevnetMessenger: caller is not the relayer",
      );
      const receipt = await send(fx, fx.relayer, call(1n, fx.rm, harmless));
      const [delivered] = eventsOf(receipt, fx.l1Messenger, messengerAbi);
      assert.deepEqual(delivered.args, { remoteSender: fx.l2Messenger, remoteNonce: 1n });
      await expectRevert(
        fx,
        fx.relayer,
        call(1n, fx.rm, harmless),
        "DevnetMessenger: already delivered",
      );
      await expectRevert(
        fx,
        fx.relayer,
        call(2n, fx.token, "0xdeadbeef"),
        "DevnetMessenger: call failed",
      );
      assert.equal(
        await read(fx, { address: fx.l1Messenger, abi: messengerAbi, functionName: "relayer" }),
        fx.relayer.address,
      );
      assert.equal(
        await read(fx, {
          address: fx.l1Messenger,
          abi: messengerAbi,
          functionName: "callAllowed",
          args: [fx.l2Messenger, fx.l1Messenger],
        }),
        false,
      );
      await expectRevert(
        fx,
        fx.users[0],
        {
          address: fx.l2Messenger,
          abi: messengerAbi,
          functionName: "sendMessage",
          args: [fx.resolver, "0x"],
        },
        "RestrictedCalls: call disallowed",
      );
      // messages of one messenger are numbered from 1
      const request = await createRequest(fx);
      const { receipt: fillReceipt } = await fill(fx, request);
      const [sent] = eventsOf(fillReceipt, fx.l2Messenger, messengerAbi);
      assert.equal(sent.args.nonce, 1n);
      assert.equal((await deliverAll(fx, fillReceipt, fx.l2Messenger)).length, 1);
    },
  );
});

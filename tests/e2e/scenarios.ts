/**
 * On-chain moves of the other participants in end-to-end tests: users creating requests, a second
 * LP that fills first or claims falsely, and checks that wait for the agent's reaction.
 *
 * @module
 */

import { maxUint256, pad, parseEventLogs } from "viem";
import { requestManagerAbi } from "../../lib/chain/abi.ts";
import { requestId } from "../../lib/chain/ids.ts";
import type { DevnetRollupInfo, Hex } from "../../scripts/devnet/types.ts";
import {
  type Actor,
  claim,
  createRequest,
  eventually,
  fillManagerAbi,
  type TestRequest,
  tokenAbi,
} from "../devnet/helpers.ts";
import { claimsOf, depositWithdrawnTo, type E2e, fillsOf } from "./harness.ts";

/** One token, 18 decimals. */
export const TST = 10n ** 18n;

/** A fill id that matches no fill. */
export const BOGUS_FILL_ID: Hex = pad("0xbad", { size: 32 });

/** The devnet's claim stake (wei). */
export function claimStake(e: E2e): bigint {
  return BigInt(e.devnet.info.params.claimStake);
}

/** Waits until `request` is filled on its target; returns the fillers seen. */
export function waitFilled(e: E2e, request: TestRequest, timeoutMs = 20_000) {
  return eventually(`a fill of ${request.requestId.slice(0, 10)}`, async () => {
    const fills = await fillsOf(e, request.target, request.requestId);
    return fills.length > 0 ? fills : undefined;
  }, timeoutMs);
}

/** Waits until `request`'s deposit is withdrawn; returns the receiver, advancing chain time. */
export async function waitWithdrawn(e: E2e, request: TestRequest, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const to = await depositWithdrawnTo(e, request.source, request.requestId);
    if (to) return to;
    if (Date.now() > deadline) {
      throw new Error(
        `deposit of ${request.requestId.slice(0, 10)} not withdrawn in ${timeoutMs} ms\n` +
          e.agent.tail(30),
      );
    }
    await e.devnet.advanceTime(20);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Waits until some claim on `request` satisfies `pred`. */
export function waitClaim(
  e: E2e,
  request: TestRequest,
  what: string,
  pred: (c: Awaited<ReturnType<typeof claimsOf>>[number]) => boolean,
  timeoutMs = 20_000,
) {
  return eventually(what, async () => {
    const claims = await claimsOf(e, request.source, request.requestId);
    return claims.find(pred);
  }, timeoutMs);
}

/**
 * A marker: a fresh fillable request created now, waited for until the agent filled it. Every
 * event older than it has then been read by the agent, so "nothing happened" can be asserted.
 */
export async function marker(e: E2e, user: Actor, target: DevnetRollupInfo): Promise<void> {
  const req = await createRequest(user, target, TST / 10n);
  await waitFilled(e, req, 30_000);
}

/**
 * `otherLp` fills a request before it exists: reads the source's next nonce, fills on the target
 * with the matching parameters, then `user` creates the request. Returns the request.
 */
export async function fillBeforeCreate(
  otherLpOnTarget: Actor,
  user: Actor,
  target: DevnetRollupInfo,
  amount: bigint,
): Promise<TestRequest & { fillId: Hex }> {
  const source = user.rollup;
  const nonce = await user.reader.readContract({
    address: source.requestManager,
    abi: requestManagerAbi,
    functionName: "currentNonce",
  }) + 1n;
  await otherLpOnTarget.confirm(otherLpOnTarget.wallet.writeContract({
    address: target.tokens.TST,
    abi: tokenAbi,
    functionName: "approve",
    args: [target.fillManager, maxUint256],
  }));
  const receipt = await otherLpOnTarget.confirm(otherLpOnTarget.wallet.writeContract({
    address: target.fillManager,
    abi: fillManagerAbi,
    functionName: "fillRequest",
    args: [BigInt(source.chainId), target.tokens.TST, user.address, amount, nonce],
  }));
  const [filled] = parseEventLogs({
    abi: fillManagerAbi,
    eventName: "RequestFilled",
    logs: receipt.logs,
  });
  const req = await createRequest(user, target, amount);
  const expected = requestId({
    sourceChainId: source.chainId,
    targetChainId: target.chainId,
    targetTokenAddress: target.tokens.TST,
    targetReceiverAddress: user.address,
    amount,
    nonce,
  });
  if (req.requestId !== expected) {
    throw new Error("another request took the nonce; the early fill does not match");
  }
  return { ...req, fillId: filled.args.fillId };
}

/** `claimer` claims `request` with `fillId` and the devnet's stake (a revert names its reason). */
export async function claimAs(e: E2e, claimer: Actor, request: TestRequest, fillId: Hex) {
  await claimer.reader.simulateContract({
    account: claimer.wallet.account,
    address: request.source.requestManager,
    abi: requestManagerAbi,
    functionName: "claimRequest",
    args: [request.requestId, fillId],
    value: claimStake(e),
  });
  return await claim(claimer, request, fillId, claimStake(e));
}

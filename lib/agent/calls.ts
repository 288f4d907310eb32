/**
 * Calldata builders for every transaction the LP agent sends, and the idempotency keys of those
 * transactions. A key names the step, so a repeated SendTx (after a restart, a duplicate event)
 * is recognised by the TxSender and never sent twice.
 *
 * @module
 */

import { encodeFunctionData } from "viem";
import { erc20Abi, fillManagerAbi, requestManagerAbi } from "../chain/abi.ts";
import type { Address, Dec, Hex, SendTx, TxPurpose } from "./messages.ts";

/** `approve(spender, amount)` on an ERC20. */
export function approveData(spender: Address, amount: bigint): Hex {
  return encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [spender, amount] });
}

/** The request fields a fill or a non-fill proof repeats (they derive the request id). */
export interface FillArgs {
  sourceChainId: number;
  targetToken: Address;
  targetAddress: Address;
  amount: bigint;
  nonce: bigint;
}

/** `FillManager.fillRequest(sourceChainId, targetToken, receiver, amount, nonce)`. */
export function fillRequestData(a: FillArgs): Hex {
  return encodeFunctionData({
    abi: fillManagerAbi,
    functionName: "fillRequest",
    args: [BigInt(a.sourceChainId), a.targetToken, a.targetAddress, a.amount, a.nonce],
  });
}

/** `FillManager.invalidateFill(…, fillId)`: the non-fill proof against a claimed fill id. */
export function invalidateFillData(a: FillArgs, fillId: Hex): Hex {
  return encodeFunctionData({
    abi: fillManagerAbi,
    functionName: "invalidateFill",
    args: [BigInt(a.sourceChainId), a.targetToken, a.targetAddress, a.amount, a.nonce, fillId],
  });
}

/** `RequestManager.claimRequest(requestId, fillId)` (sent with exactly `claimStake`). */
export function claimRequestData(requestId: Hex, fillId: Hex): Hex {
  return encodeFunctionData({
    abi: requestManagerAbi,
    functionName: "claimRequest",
    args: [requestId, fillId],
  });
}

/** `RequestManager.challengeClaim(claimId)` (sent with the stake). */
export function challengeClaimData(claimId: bigint): Hex {
  return encodeFunctionData({
    abi: requestManagerAbi,
    functionName: "challengeClaim",
    args: [claimId],
  });
}

/** `RequestManager.withdraw(claimId)`. */
export function withdrawData(claimId: bigint): Hex {
  return encodeFunctionData({ abi: requestManagerAbi, functionName: "withdraw", args: [claimId] });
}

/** `RequestManager.withdrawExpiredRequest(requestId)`. */
export function withdrawExpiredData(requestId: Hex): Hex {
  return encodeFunctionData({
    abi: requestManagerAbi,
    functionName: "withdrawExpiredRequest",
    args: [requestId],
  });
}

/** Idempotency keys; `attempt` > 0 only for a deliberate retry after a failure. */
export const txIds = {
  /** One approval per (chain, token), shared by every request that needs it. */
  approve: (chainId: number, token: string, attempt = 0) =>
    withAttempt(`approve:${chainId}:${token.toLowerCase()}`, attempt),
  fill: (requestId: string, attempt = 0) => withAttempt(`fill:${requestId}`, attempt),
  claim: (requestId: string, attempt = 0) => withAttempt(`claim:${requestId}`, attempt),
  challenge: (claimId: string, round: number) => `challenge:${claimId}:${round}`,
  withdraw: (claimId: string, attempt = 0) => withAttempt(`withdraw:${claimId}`, attempt),
  invalidate: (requestId: string, fillId: string) => `invalidate:${requestId}:${fillId}`,
  withdrawExpired: (requestId: string) => `withdraw_expired:${requestId}`,
} as const;

function withAttempt(base: string, attempt: number): string {
  return attempt > 0 ? `${base}:${attempt}` : base;
}

/** A SendTx message. */
export function sendTx(
  id: string,
  purpose: TxPurpose,
  to: Address,
  data: Hex,
  value: Dec,
  replyTo: string,
): SendTx {
  return { type: "SendTx", id, purpose, to, data, value, replyTo };
}

/**
 * The TxSender's task effects: each runs one piece of I/O from `rpc.ts` under the RPC timeout and
 * comes back to the actor as one plain-JSON message ({@link TxTaskMsg}).
 *
 * @module
 */

import type { LocalAccount, PublicClient } from "viem";
import type { Address, Dec, Hex } from "../agent/messages.ts";
import type { Ctx, Effect } from "../runtime/types.ts";
import { bump, maxBig, type TxSenderOptions } from "./options.ts";
import {
  broadcast,
  type BroadcastVerdict,
  callOf,
  currentFees,
  type Fees,
  pendingNonce,
  poll,
  type PollResult,
  prepare,
  sign,
  type Signed,
  type TxCall,
} from "./rpc.ts";

/** Gas and fees an estimate found, or the revert / refusal that ends the request there. */
export type PreparedJson =
  | { reverted: string }
  | { failed: string }
  | { gas: Dec; maxFeePerGas: Dec; maxPriorityFeePerGas: Dec };

/** A signed attempt with its fees. */
export type SignedJson = Signed & { maxFeePerGas: Dec; maxPriorityFeePerGas: Dec };

/** The messages tasks deliver back to the TxSender; `error` set = the RPC call failed. */
export type TxTaskMsg =
  | { type: "Synced"; nonce?: number; error?: string }
  | { type: "Prepared"; id: string; result?: PreparedJson; error?: string }
  | { type: "Signed"; id: string; nonce: number; signed?: SignedJson; error?: string }
  | { type: "Sent"; id: string; hash: Hex; verdict: BroadcastVerdict; error?: string }
  | { type: "Polled"; result?: PollResult; error?: string };

/** What to sign: a first attempt (call, gas, fees) or a replacement of the newest attempt. */
export type SignInput =
  | { first: { call: TxCall; gas: bigint; fees: Fees } }
  | { replace: { raw: Hex; maxFeePerGas: Dec; maxPriorityFeePerGas: Dec }; extraBumps: number };

/** The task constructors, bound to one account and its options. */
export interface TxTasks {
  sync(ctx: Ctx, chainId: number): Effect;
  prepare(ctx: Ctx, chainId: number, id: string, call: TxCall): Effect;
  sign(ctx: Ctx, chainId: number, id: string, nonce: number, input: SignInput): Effect;
  /** Durable: runs only once the snapshot holding `raw` is committed (the write-ahead rule). */
  send(ctx: Ctx, chainId: number, id: string, raw: Hex, hash: Hex): Effect;
  poll(ctx: Ctx, chainId: number, inFlight: { id: string; nonce: number; hashes: Hex[] }[]): Effect;
}

/** Builds the task constructors of a TxSender. */
export function txTasks(d: {
  clientFor(chainId: number): PublicClient;
  account: LocalAccount;
  options: TxSenderOptions;
  mayBroadcast: () => boolean;
}): TxTasks {
  const o = d.options;
  const address = d.account.address.toLowerCase() as Address;
  const t = { timeoutMs: o.rpcTimeoutMs };

  /** A replacement takes the larger of the bumped old fees and the market's. */
  const replacementFees = async (
    chainId: number,
    r: Extract<SignInput, { replace: unknown }>,
  ): Promise<Fees> => {
    const market = await currentFees(d.clientFor(chainId));
    let maxFee = BigInt(r.replace.maxFeePerGas), tip = BigInt(r.replace.maxPriorityFeePerGas);
    for (let i = 0; i <= r.extraBumps; i++) {
      maxFee = bump(maxFee, o.feeBumpPercent);
      tip = bump(tip, o.feeBumpPercent);
    }
    const fees = {
      maxFeePerGas: maxBig(maxFee, market.maxFeePerGas),
      maxPriorityFeePerGas: maxBig(tip, market.maxPriorityFeePerGas),
    };
    if (fees.maxPriorityFeePerGas > fees.maxFeePerGas) {
      fees.maxFeePerGas = fees.maxPriorityFeePerGas;
    }
    return fees;
  };

  return {
    sync: (ctx, chainId) =>
      ctx.task(
        "nonce",
        () => pendingNonce(d.clientFor(chainId), address),
        (r): TxTaskMsg =>
          r.ok ? { type: "Synced", nonce: r.value } : { type: "Synced", error: r.error },
        t,
      ),

    prepare: (ctx, chainId, id, call) =>
      ctx.task(
        `prepare:${id}`,
        async (): Promise<PreparedJson> => {
          const p = await prepare(d.clientFor(chainId), address, call, o.gasHeadroomPercent);
          if (!p.ok) return "reverted" in p ? { reverted: p.reverted } : { failed: p.failed };
          return {
            gas: p.gas.toString(),
            maxFeePerGas: p.fees.maxFeePerGas.toString(),
            maxPriorityFeePerGas: p.fees.maxPriorityFeePerGas.toString(),
          };
        },
        (res): TxTaskMsg =>
          res.ok
            ? { type: "Prepared", id, result: res.value }
            : { type: "Prepared", id, error: res.error },
        t,
      ),

    sign: (ctx, chainId, id, nonce, input) =>
      ctx.task(
        `sign:${id}`,
        async (): Promise<SignedJson> => {
          let call: TxCall, gas: bigint, fees: Fees;
          if ("first" in input) ({ call, gas, fees } = input.first);
          else {
            ({ call, gas } = callOf(input.replace.raw));
            fees = await replacementFees(chainId, input);
          }
          const signed = await sign(d.account, chainId, nonce, call, gas, fees);
          return {
            ...signed,
            maxFeePerGas: fees.maxFeePerGas.toString(),
            maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
          };
        },
        (res): TxTaskMsg =>
          res.ok
            ? { type: "Signed", id, nonce, signed: res.value }
            : { type: "Signed", id, nonce, error: res.error },
        t,
      ),

    send: (ctx, chainId, id, raw, hash) =>
      ctx.task(
        `send:${id}`,
        () => broadcast(d.clientFor(chainId), raw, d.mayBroadcast),
        (res): TxTaskMsg =>
          res.ok
            ? { type: "Sent", id, hash, ...res.value }
            : { type: "Sent", id, hash, verdict: "error", error: res.error },
        { ...t, durable: true },
      ),

    poll: (ctx, chainId, inFlight) =>
      ctx.task(
        "poll",
        () => poll(d.clientFor(chainId), address, inFlight, o.confirmations),
        (res): TxTaskMsg =>
          res.ok ? { type: "Polled", result: res.value } : { type: "Polled", error: res.error },
        t,
      ),
  };
}

/**
 * TxSender: one per (chain, LP account), at `/chain:<id>/tx`. It owns the account's nonce, writes
 * every signed transaction into its snapshot before broadcasting it, watches all attempts of a
 * transaction until one is mined, replaces stuck ones with bumped fees, and answers each
 * {@link SendTx} with one {@link TxOutcome}. The rules are in `docs/TX.md`.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { LocalAccount, PublicClient } from "viem";
import type { Address, SendTx, TxOutcome } from "../lib/agent/messages.ts";
import { paths } from "../lib/agent/messages.ts";
import type { Behavior, Ctx, Effect } from "../lib/runtime/types.ts";
import { backoff, txOptions, type TxSenderOptions } from "../lib/tx/options.ts";
import { callOf } from "../lib/tx/rpc.ts";
import {
  callFrom,
  gapFiller,
  outcome,
  statusReport,
  type TxAttempt,
  type TxRecord,
} from "../lib/tx/records.ts";
import { type TxTaskMsg, txTasks } from "../lib/tx/tasks.ts";

export type { TxAttempt, TxRecord };

const log = getLogger(["tern", "tx"]);

/** Behavior kind of the TxSender. */
export const TX_SENDER_KIND = "tx_sender";

/** Init of a TxSender: the chain it sends on (the account comes from the deps). */
export interface TxSenderInit {
  chainId: number;
}

/** The TxSender's state (its snapshot). */
export interface TxSenderState {
  chainId: number;
  address: Address;
  /** Next nonce to assign; null until synced from the chain. */
  nonce: number | null;
  syncing: boolean;
  syncFails: number;
  polling: boolean;
  pollFails: number;
  /** The lease fence was down at the last broadcast. */
  held: boolean;
  records: Record<string, TxRecord>;
  /** Outcomes of finished ids, oldest first, at most `keepDone`. */
  done: TxOutcome[];
}

/** Messages the TxSender accepts: {@link SendTx} from outside, the rest from its own tasks. */
export type TxSenderMsg =
  | SendTx
  | { type: "Resume" }
  | { type: "Poll" }
  | { type: "Retry"; id: string }
  | TxTaskMsg;

/** What the TxSender needs from outside. */
export interface TxSenderDeps {
  /** A viem public client of the chain (HTTP is fine; every call runs under a timeout). */
  publicClientFor(chainId: number): PublicClient;
  /** The LP account; signs locally. */
  account: LocalAccount;
  /** Tunables (defaults in `lib/tx/options.ts`). */
  options?: Partial<TxSenderOptions>;
  /** Lease fence, read right before each broadcast: false → send nothing, hold, report. */
  mayBroadcast?: () => boolean;
}

/** Polls a record needs before a spent nonce without our receipt counts as taken by another sender. */
const LOST_POLLS = 2;
/** Back-to-back `replacement underpriced` answers bumped before waiting for the stuck timer. */
const MAX_UNDERPRICED_BUMPS = 6;

/**
 * The behaviors to register for TxSenders (one kind, {@link TX_SENDER_KIND}). Spawn one per
 * chain at `paths.txSender(chainId)` with init {@link TxSenderInit}.
 */
export function txSenderBehaviors(deps: TxSenderDeps): Behavior[] {
  const o = txOptions(deps.options);
  const address = deps.account.address.toLowerCase() as Address;
  const tasks = txTasks({
    clientFor: deps.publicClientFor,
    account: deps.account,
    options: o,
    mayBroadcast: deps.mayBroadcast ?? (() => true),
  });

  const sendLatest = (s: TxSenderState, r: TxRecord, ctx: Ctx): Effect => {
    const a = r.attempts.at(-1)!;
    return tasks.send(ctx, s.chainId, r.id, a.raw!, a.hash);
  };

  const signRecord = (s: TxSenderState, r: TxRecord, ctx: Ctx, extraBumps = 0): Effect => {
    const last = r.attempts.at(-1);
    return tasks.sign(
      ctx,
      s.chainId,
      r.id,
      r.nonce!,
      last ? { replace: { ...last, raw: last.raw! }, extraBumps } : {
        first: {
          call: callFrom(r),
          gas: BigInt(r.gas!),
          fees: {
            maxFeePerGas: BigInt(r.fees!.maxFeePerGas),
            maxPriorityFeePerGas: BigInt(r.fees!.maxPriorityFeePerGas),
          },
        },
      },
    );
  };

  const pollTask = (s: TxSenderState, ctx: Ctx): Effect =>
    tasks.poll(
      ctx,
      s.chainId,
      Object.values(s.records)
        .filter((r) => r.nonce !== undefined && r.attempts.length > 0)
        .map((r) => ({ id: r.id, nonce: r.nonce!, hashes: r.attempts.map((a) => a.hash) })),
    );

  /** Starts whatever work the state calls for: nonce sync, estimates, signing, the poll timer. */
  const pump = (s: TxSenderState, ctx: Ctx, fx: Effect[]): TxSenderState => {
    let next = s;
    const records = { ...s.records };
    for (const r of Object.values(records)) {
      if (r.busy) continue;
      if (r.phase === "preparing") {
        records[r.id] = { ...r, busy: true };
        fx.push(tasks.prepare(ctx, next.chainId, r.id, callFrom(r)));
      }
    }
    if (next.nonce === null) {
      if (!next.syncing && !ctx.timers.has("sync")) {
        next = { ...next, syncing: true };
        fx.push(tasks.sync(ctx, next.chainId));
      }
    } else {
      let nonce = next.nonce;
      for (const r of Object.values(records)) {
        if (r.phase !== "ready" || r.busy) continue;
        const rec: TxRecord = { ...r, phase: "signing", busy: true, nonce: nonce++ };
        records[r.id] = rec;
        fx.push(signRecord(next, rec, ctx));
      }
      next = { ...next, nonce };
    }
    next = { ...next, records };
    const watching = Object.values(records).some((r) => r.phase === "sent");
    if (watching && !next.polling && !ctx.timers.has("poll")) {
      fx.push(ctx.setTimer("poll", o.receiptPollMs, { type: "Poll" }));
    }
    return next;
  };

  /** Finishes a record: its outcome goes to `replyTo` once the state that records it is durable. */
  const finish = (s: TxSenderState, id: string, outcome: TxOutcome, ctx: Ctx, fx: Effect[]) => {
    const r = s.records[id];
    const records = { ...s.records };
    delete records[id];
    fx.push(ctx.cancelTimer(`retry:${id}`));
    // a gap filler (no replyTo) is internal: nobody waits for it, no outcome is kept
    if (r && r.replyTo === "") return { ...s, records };
    const done = [...s.done.filter((d) => d.id !== id), outcome].slice(-o.keepDone);
    if (r) fx.push(ctx.send(r.replyTo, outcome, { durable: true }));
    log.info("tx {id} {status} {hash} {reason}", {
      id,
      status: outcome.status,
      hash: outcome.hash ?? "",
      reason: outcome.reason ?? "",
    });
    return { ...s, records, done };
  };

  const put = (s: TxSenderState, r: TxRecord): TxSenderState => ({
    ...s,
    records: { ...s.records, [r.id]: r },
  });

  const retryLater = (s: TxSenderState, r: TxRecord, ctx: Ctx, fx: Effect[]): TxSenderState => {
    const rec = { ...r, busy: false, fails: r.fails + 1 };
    fx.push(ctx.setTimer(`retry:${r.id}`, backoff(o, rec.fails), { type: "Retry", id: r.id }));
    return put(s, rec);
  };

  const handle = (s: TxSenderState, msg: TxSenderMsg, ctx: Ctx, fx: Effect[]): TxSenderState => {
    switch (msg.type) {
      case "SendTx": {
        const known = s.done.find((d) => d.id === msg.id);
        if (known) {
          fx.push(ctx.send(msg.replyTo, known, { durable: true }));
          return s;
        }
        if (s.records[msg.id]) return s; // in flight: its outcome will be reported once
        if (Object.keys(s.records).length >= o.maxInFlight) {
          // backpressure instead of a snapshot past KV's 64 KiB value limit
          const busy: TxOutcome = {
            type: "TxOutcome",
            id: msg.id,
            purpose: msg.purpose,
            status: "failed",
            reason:
              `busy: ${o.maxInFlight} transactions in flight on chain ${s.chainId}; send again later`,
          };
          fx.push(ctx.send(msg.replyTo, busy, { durable: true }));
          return s;
        }
        const r: TxRecord = {
          id: msg.id,
          purpose: msg.purpose,
          replyTo: msg.replyTo,
          to: msg.to.toLowerCase() as Address,
          data: msg.data,
          value: msg.value,
          phase: "preparing",
          busy: false,
          attempts: [],
          accepted: false,
          fails: 0,
          lost: 0,
        };
        return pump(put(s, r), ctx, fx);
      }
      case "Resume": {
        if (s.address !== address) {
          throw new Error(
            `${ctx.self} holds transactions of account ${s.address}, but the configured account ` +
              `is ${address}: start with the data directory of ${address}, or finish ${s.address}'s ` +
              `transactions first`,
          );
        }
        // Tasks of the previous life are gone: clear their flags, re-broadcast what was signed.
        const records: Record<string, TxRecord> = {};
        let next: TxSenderState = { ...s, syncing: false, polling: false, nonce: null };
        for (const r of Object.values(s.records)) {
          let rec: TxRecord = { ...r, busy: false };
          if (rec.attempts.length > 0) rec = { ...rec, phase: "sent", busy: true };
          records[r.id] = rec;
        }
        next = { ...next, records };
        for (const r of Object.values(records)) {
          if (r.busy) fx.push(sendLatest(next, r, ctx));
          // Keeps its nonce: nothing was sent for it, and a new nonce would leave a hole that
          // stalls the transactions signed after it.
          else if (r.phase === "signing") {
            fx.push(signRecord(next, r, ctx));
            next = put(next, { ...r, busy: true });
          }
        }
        if (Object.values(records).some((r) => r.phase === "sent")) {
          next = { ...next, polling: true };
          fx.push(pollTask(next, ctx));
        }
        return pump(next, ctx, fx);
      }
      case "Synced": {
        if (msg.nonce === undefined) {
          log.warn("nonce sync on chain {chainId} failed: {error}", {
            chainId: s.chainId,
            error: msg.error,
          });
          const syncFails = s.syncFails + 1;
          fx.push(ctx.setTimer("sync", backoff(o, syncFails), { type: "Retry", id: "" }));
          return { ...s, syncing: false, syncFails };
        }
        // Never below a nonce we handed out ourselves: those transactions may still be pooled.
        const assigned = Object.values(s.records).map((r) => r.nonce ?? -1);
        const nonce = Math.max(msg.nonce, ...assigned.map((n) => n + 1));
        return pump({ ...s, nonce, syncing: false, syncFails: 0 }, ctx, fx);
      }
      case "Retry": {
        if (msg.id === "") return pump(s, ctx, fx);
        const r = s.records[msg.id];
        if (!r || r.busy) return s;
        if (r.phase === "sent") {
          fx.push(sendLatest(s, r, ctx));
          return put(s, { ...r, busy: true });
        }
        if (r.phase === "signing") {
          fx.push(signRecord(s, r, ctx));
          return put(s, { ...r, busy: true });
        }
        return pump(s, ctx, fx);
      }
      case "Prepared": {
        const r = s.records[msg.id];
        if (!r || r.phase !== "preparing") return s;
        if (!msg.result) {
          log.warn("estimate of tx {id} failed: {error}", { id: r.id, error: msg.error });
          return retryLater(s, r, ctx, fx);
        }
        if ("failed" in msg.result) {
          return finish(s, r.id, outcome(r, "failed", { reason: msg.result.failed }), ctx, fx);
        }
        if ("reverted" in msg.result) {
          return finish(s, r.id, outcome(r, "reverted", { reason: msg.result.reverted }), ctx, fx);
        }
        const { gas, maxFeePerGas, maxPriorityFeePerGas } = msg.result;
        const rec: TxRecord = {
          ...r,
          phase: "ready",
          busy: false,
          fails: 0,
          gas,
          fees: { maxFeePerGas, maxPriorityFeePerGas },
        };
        return pump(put(s, rec), ctx, fx);
      }
      case "Signed": {
        const r = s.records[msg.id];
        if (!r || r.nonce !== msg.nonce) return s;
        if (!msg.signed) {
          log.warn("signing tx {id} failed: {error}", { id: r.id, error: msg.error });
          return retryLater(s, r, ctx, fx);
        }
        const a: TxAttempt = {
          hash: msg.signed.hash,
          raw: msg.signed.raw,
          maxFeePerGas: msg.signed.maxFeePerGas,
          maxPriorityFeePerGas: msg.signed.maxPriorityFeePerGas,
          at: ctx.now(),
        };
        // Write-ahead: this state (with the raw transaction) is durable before sendTask runs.
        const rec: TxRecord = {
          ...r,
          data: undefined,
          phase: "sent",
          busy: true,
          accepted: false,
          // older attempts keep hash and fees only: the snapshot must stay under 64 KiB
          attempts: [...r.attempts.map(({ raw: _, ...old }) => old), a],
        };
        const next = put(s, rec);
        fx.push(sendLatest(next, rec, ctx));
        return pump(next, ctx, fx);
      }
      case "Sent":
        return onSent(s, msg, ctx, fx);
      case "Poll": {
        if (s.polling || !Object.values(s.records).some((r) => r.phase === "sent")) return s;
        fx.push(pollTask(s, ctx));
        return { ...s, polling: true };
      }
      case "Polled":
        return onPolled(s, msg, ctx, fx);
    }
    return s;
  };

  const onSent = (
    s: TxSenderState,
    msg: Extract<TxSenderMsg, { type: "Sent" }>,
    ctx: Ctx,
    fx: Effect[],
  ): TxSenderState => {
    const r = s.records[msg.id];
    if (!r || r.attempts.at(-1)?.hash !== msg.hash) return s;
    const idle = { ...r, busy: false };
    switch (msg.verdict) {
      case "ok":
        return pump({ ...put(s, { ...idle, accepted: true, fails: 0 }), held: false }, ctx, fx);
      case "held": {
        if (!s.held) {
          log.error("lease lost on chain {chainId}: holding tx {id}, nothing is sent", {
            chainId: s.chainId,
            id: r.id,
          });
          fx.push(ctx.send(paths.status, statusReport(s.chainId, r, "held", ctx.now())));
        }
        return retryLater({ ...s, held: true }, idle, ctx, fx);
      }
      case "nonce_low":
        // Our own earlier attempt may be the one mined; a poll tells, and two polls without our
        // receipt hand the record a fresh nonce (see onPolled).
        if (!s.polling) fx.push(pollTask(s, ctx));
        return { ...put(s, idle), polling: true };
      case "underpriced": {
        if (r.fails >= MAX_UNDERPRICED_BUMPS) return retryLater(s, idle, ctx, fx);
        const rec: TxRecord = { ...idle, phase: "sent", busy: true, fails: r.fails + 1 };
        fx.push(signRecord(s, rec, ctx, r.fails + 1));
        return put(s, rec);
      }
      case "rejected": {
        log.error("tx {id} rejected by the node: {error}", { id: r.id, error: msg.error });
        // an earlier attempt is still pooled, or a gap filler waits for the operator (funds)
        if (r.attempts.length > 1 || r.replyTo === "") return retryLater(s, idle, ctx, fx);
        const failed = outcome(r, "failed", { hash: msg.hash, reason: msg.error });
        const next = finish(s, r.id, failed, ctx, fx);
        const later = Object.values(next.records).some((x) => (x.nonce ?? -1) > r.nonce!);
        if (!later) return pump({ ...next, nonce: null }, ctx, fx); // unused nonce: resync
        // Later nonces are in flight and would wait forever behind the hole: fill it with a
        // zero-value transfer to ourselves at the same nonce.
        const filler = gapFiller(r, address);
        fx.push(signRecord(next, filler, ctx));
        return put(next, filler);
      }
      case "error":
        log.warn("broadcast of tx {id} failed: {error}", { id: r.id, error: msg.error });
        return retryLater(s, idle, ctx, fx);
    }
  };

  const onPolled = (
    s: TxSenderState,
    msg: Extract<TxSenderMsg, { type: "Polled" }>,
    ctx: Ctx,
    fx: Effect[],
  ): TxSenderState => {
    let next: TxSenderState = { ...s, polling: false };
    if (!msg.result) {
      const pollFails = s.pollFails + 1;
      log.warn("receipt poll on chain {chainId} failed: {error}", {
        chainId: s.chainId,
        error: msg.error,
      });
      fx.push(
        ctx.setTimer("poll", Math.max(o.receiptPollMs, backoff(o, pollFails)), { type: "Poll" }),
      );
      return { ...next, pollFails };
    }
    next = { ...next, pollFails: 0 };
    const { latestNonce, receipts, unconfirmed, unknown } = msg.result;
    const seen = new Set<string>();
    for (const rc of receipts) {
      const r = next.records[rc.id];
      if (!r || seen.has(rc.id)) continue;
      seen.add(rc.id);
      const status = rc.status === "success" ? "mined" : "reverted";
      next = finish(
        next,
        rc.id,
        outcome(r, status, { hash: rc.hash, blockNumber: rc.blockNumber, reason: rc.reason }),
        ctx,
        fx,
      );
    }
    let resync = false;
    for (const r of Object.values(next.records)) {
      if (r.phase !== "sent" || r.nonce === undefined) continue;
      if (unknown.includes(r.id) && !seen.has(r.id)) continue; // read again next poll
      if (r.nonce < latestNonce && !unconfirmed.includes(r.id)) {
        // Spent on chain, none of our attempts mined: another sender took it (or a reorg).
        const lost = r.lost + 1;
        if (lost < LOST_POLLS || r.busy) {
          next = put(next, { ...r, lost });
          continue;
        }
        if (r.replyTo === "") {
          next = finish(next, r.id, outcome(r, "failed", {}), ctx, fx); // the hole is filled
          continue;
        }
        log.warn(
          "nonce {nonce} of tx {id} was spent by another transaction; re-sending with a new nonce",
          { nonce: r.nonce, id: r.id },
        );
        const call = callOf(r.attempts.at(-1)!.raw!);
        const last = r.attempts.at(-1)!;
        next = put(next, {
          ...r,
          phase: "ready",
          data: call.call.data,
          gas: call.gas.toString(),
          fees: {
            maxFeePerGas: last.maxFeePerGas,
            maxPriorityFeePerGas: last.maxPriorityFeePerGas,
          },
          nonce: undefined,
          attempts: [],
          accepted: false,
          lost: 0,
        });
        resync = true;
        continue;
      }
      const last = r.attempts.at(-1)!;
      if (!r.busy && !next.held && ctx.now() - last.at >= o.stuckAfterMs) {
        log.info("tx {id} stuck for {ms} ms: replacing with bumped fees", {
          id: r.id,
          ms: ctx.now() - last.at,
        });
        fx.push(signRecord(next, r, ctx));
        next = put(next, { ...r, busy: true, lost: 0 });
      } else if (r.lost !== 0) next = put(next, { ...r, lost: 0 });
    }
    if (resync) next = { ...next, nonce: null };
    next = pump(next, ctx, fx);
    if (Object.values(next.records).some((r) => r.phase === "sent")) {
      fx.push(ctx.setTimer("poll", o.receiptPollMs, { type: "Poll" }));
    }
    return next;
  };

  const behavior: Behavior<TxSenderState, TxSenderMsg> = {
    kind: TX_SENDER_KIND,
    version: 1,
    initial: (init) => {
      const chainId = (init as TxSenderInit | undefined)?.chainId;
      if (typeof chainId !== "number") {
        throw new Error(`tx_sender needs init { chainId: number }, got ${JSON.stringify(init)}`);
      }
      return {
        chainId,
        address,
        nonce: null,
        syncing: false,
        syncFails: 0,
        polling: false,
        pollFails: 0,
        held: false,
        records: {},
        done: [],
      };
    },
    handle(state, msg, ctx) {
      const effects: Effect[] = [];
      const next = handle(state, msg, ctx, effects);
      return { state: next, effects };
    },
    onStart: () => ({ type: "Resume" }),
    summary: (s) =>
      `chain ${s.chainId} nonce ${s.nonce ?? "?"} pending ${Object.keys(s.records).length}` +
      ` done ${s.done.length}${s.held ? " HELD (lease lost)" : ""}`,
  };
  return [behavior as Behavior];
}

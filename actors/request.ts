/**
 * RequestActor: one per transfer request, at `/requests/<shard>/<requestId>`. It follows the
 * request and every claim on it (claims are state of this actor, see docs/DECISIONS.md), applies
 * decoded events idempotently, and sends the fill, claim, challenge, non-fill proof and withdraw
 * transactions the decisions of `lib/fsm/` call for — only on a fresh view of every chain the
 * decision reads.
 *
 * @module
 */

import type { Clock } from "../lib/clock.ts";
import { applyTxOutcome, decide } from "../lib/agent/request_decide.ts";
import { applyEvent } from "../lib/agent/request_events.ts";
import { initialRequestState, type RequestActorState } from "../lib/agent/request_state.ts";
import type { AgentSettings } from "../lib/agent/settings.ts";
import { type EventAck, paths, type RequestMsg, type RouterMsg } from "../lib/agent/messages.ts";
import type { Behavior, Ctx, Effect } from "../lib/runtime/types.ts";
import { undoEvent } from "../lib/agent/request_undo.ts";
import { reports, txReport } from "../lib/agent/request_reports.ts";

export type { RequestActorState } from "../lib/agent/request_state.ts";
export type { RequestMsg } from "../lib/agent/messages.ts";

/** Options of {@link requestBehavior}. */
export interface RequestBehaviorOptions {
  settings: AgentSettings;
  /** Wall clock for decisions (default: the runtime's `ctx.now`). */
  clock?: Clock;
  /** Where to (un)subscribe (default: the parent, i.e. the request's shard). */
  router?: string;
}

/** Applies one message to the state (before decisions). */
function absorb(
  s: RequestActorState,
  msg: RequestMsg,
  settings: AgentSettings,
  now: number,
  ctx: Ctx,
  effects: Effect[],
): RequestActorState {
  switch (msg.type) {
    case "Event": {
      const { event, ref, ack } = msg;
      if (ack) {
        const reply: EventAck = { type: "EventAck", batch: ack.batch, key: ref.key };
        effects.push(ctx.send(ack.to, reply, { durable: true }));
      }
      if (s.seen.includes(ref.key)) return s;
      let next: RequestActorState = { ...s, seen: [...s.seen, ref.key] };
      if (next.sourceChainId === 0) {
        if (event.type === "RequestFilled") next = { ...next, sourceChainId: event.sourceChainId };
        else if (event.type !== "FillInvalidated") next = { ...next, sourceChainId: ref.chainId };
      }
      if (!next.created && event.type !== "RequestCreated") {
        return { ...next, early: [...next.early, { event, ref }] };
      }
      next = applyEvent(next, event, ref, settings, now);
      // events kept for later (early ones, or claim moves before their start) get another try
      if (next.created && next.early.length > 0) {
        const early = next.early;
        next = { ...next, early: [] };
        for (const e of early) next = applyEvent(next, e.event, e.ref, settings, now);
      }
      return next;
    }
    case "EventRemoved":
      return undoEvent(s, msg.ref, now);
    case "View":
      return { ...s, views: { ...s.views, [String(msg.view.chainId)]: msg.view } };
    case "TxOutcome":
      return applyTxOutcome(s, msg, settings, now);
    case "Policy":
      return { ...s, policy: msg.policy };
    case "Resync":
    case "Tick":
      return s;
  }
}

/**
 * The RequestActor behavior (kind `request`).
 *
 * Receives {@link RequestMsg}; sends `SendTx` to `paths.txSender(chainId)` (durable, replyTo =
 * self), `EventAck` to `ack.to` (durable), `Status` to `/status` (durable), and
 * `Subscribe`/`Unsubscribe` to its shard (the parent) while it needs chain views.
 */
export function requestBehavior(
  opts: RequestBehaviorOptions,
): Behavior<RequestActorState, RequestMsg> {
  const { settings } = opts;
  return {
    kind: "request",
    version: 1,
    initial: (init, self) => {
      const id = (init as { id?: string } | undefined)?.id ?? self.split("/").pop()!;
      return initialRequestState(id);
    },
    summary: (s) =>
      `${s.fsm}${s.deferred ? " (deferred)" : ""} ${s.sourceChainId}→${s.targetChainId ?? "?"} ` +
      `amount=${s.amount ?? "?"} claims=${Object.keys(s.claims).length}` +
      (s.reason ? ` reason=${s.reason}` : ""),
    // After a restart or a recovery, report again: a report released just before a crash may
    // not have reached the status hub. An activation from a passivated snapshot has nothing new.
    onStart: (_state, reason) =>
      reason === "restart" || reason === "recovery" ? { type: "Resync" } : undefined,
    handle(state, msg, ctx) {
      const now = opts.clock?.now() ?? ctx.now();
      const at = new Date(now).toISOString();
      const effects: Effect[] = [];
      const absorbed = absorb(state, msg, settings, now, ctx, effects);
      const d = decide(absorbed, settings, ctx.self, now);
      let s = d.state;
      for (const { chainId, tx } of d.txs) {
        effects.push(ctx.send(paths.txSender(chainId), tx, { durable: true }));
      }
      for (const r of reports(state, s, at, msg.type === "Resync", settings.lp.toLowerCase())) {
        effects.push(ctx.send(paths.status, r, { durable: true }));
      }
      if (msg.type === "TxOutcome") {
        effects.push(ctx.send(paths.status, txReport(state, msg, at), { durable: true }));
      }
      // a due time-based step needs a current view: subscribe, decide again when it arrives
      const router = opts.router ?? ctx.parent;
      const want = s.created && (d.needViews || msg.type === "Tick");
      // Resync and Tick repeat a subscription: the shard's copy may be older than ours
      const again = msg.type === "Resync" || msg.type === "Tick";
      if (want && (s.subscribed.length === 0 || again)) {
        const chainIds = [...new Set([s.sourceChainId, s.targetChainId!, settings.l1ChainId])];
        const sub: RouterMsg = { type: "Subscribe", id: s.id, chainIds };
        effects.push(ctx.send(router, sub));
        s = { ...s, subscribed: chainIds };
      } else if (!want && s.subscribed.length > 0) {
        const unsub: RouterMsg = { type: "Unsubscribe", id: s.id };
        effects.push(ctx.send(router, unsub));
        s = { ...s, subscribed: [] };
      }
      if (d.wakeAt !== undefined) {
        if (ctx.timers.get("tick")?.at !== d.wakeAt) {
          effects.push(ctx.setTimerAt("tick", d.wakeAt, { type: "Tick" }));
        }
      } else if (ctx.timers.has("tick")) {
        effects.push(ctx.cancelTimer("tick"));
      }
      // not on Resync: it is also the start signal after an activation, and passivating from it
      // would bounce an actor whose next message is already waiting
      if (!want && Object.keys(s.pending).length === 0 && msg.type !== "Resync") {
        effects.push(ctx.passivate());
      }
      return { state: s, effects };
    },
  };
}

/**
 * ChainWatcher: one per chain, at `/chain:<id>/watcher`. Follows new heads (WebSocket where a
 * ws:// URL is configured, polling otherwise), reads bridge logs in adaptive ranges, routes each
 * event to `/requests` for a durable acknowledgement, moves its persisted cursor only past what
 * was acknowledged, rolls back on reorgs, and reports a {@link ChainView} after every poll.
 *
 * @module
 */
import type { EventAck } from "../lib/agent/messages.ts";
import { paths } from "../lib/agent/messages.ts";
import type { Clock } from "../lib/clock.ts";
import {
  ackOverdue,
  applyAck,
  applyRead,
  type Block,
  forkCandidates,
  limitRead,
  pendingCount,
  rewindToCursor,
  rollback,
} from "../lib/chain/cursor.ts";
import { grow, isRangeTooLarge, isTimeout, shrink } from "../lib/chain/ranges.ts";
import {
  findFork,
  pollHead,
  type RangeResult,
  readRange,
  readView,
  type ViewData,
} from "../lib/chain/read.ts";
import type { ChainRpc } from "../lib/chain/rpc.ts";
import type { WatcherInit } from "../lib/chain/setup.ts";
import {
  eventMsg,
  idle,
  initialWatcherState,
  nextRead,
  readFits,
  removedMsg,
  viewOf,
  viewQuery,
  type WatcherState,
  watcherSummary,
} from "../lib/chain/watch.ts";
import type { Behavior, Ctx, Effect, Step, TaskResult } from "../lib/runtime/mod.ts";

/** Messages a ChainWatcher accepts (task outcomes are its own; EventAck comes from requests). */
export type WatcherMsg =
  | { type: "Start" }
  | { type: "Tick" }
  | {
    type: "Polled";
    result: TaskResult<{ head: number; tipMatches: boolean | null }>;
    url: string;
  }
  | { type: "HeadSeen"; result: TaskResult<number> }
  | { type: "Read"; from: number; result: TaskResult<RangeResult>; url: string }
  | { type: "Forked"; result: TaskResult<Block | null | "unavailable">; url: string }
  | { type: "Viewed"; result: TaskResult<ViewData>; url: string; at: number }
  | EventAck;

/** What the watcher needs from the agent: RPC access per chain, optionally a clock. */
export interface WatcherDeps {
  rpcFor(chainId: number): ChainRpc;
  clock?: Clock;
}

/** The `chain-watcher` behavior; its init is a {@link WatcherInit} (see lib/chain/setup.ts). */
export function chainWatcherBehavior(deps: WatcherDeps): Behavior<WatcherState, WatcherMsg> {
  const now = (ctx: Ctx) => deps.clock?.now() ?? ctx.now();

  /** Starts whatever the state calls for: a read, a head wait. */
  function drive(s: WatcherState, ctx: Ctx, effects: Effect[]): Step<WatcherState> {
    const rpc = deps.rpcFor(s.init.chainId);
    let state = s;
    const q = nextRead(state);
    if (q) {
      state = { ...state, busy: { ...state.busy, read: true } };
      effects.push(ctx.task(
        "read",
        (signal) => readRange(rpc, q, signal),
        (result): WatcherMsg => ({ type: "Read", from: q.from, result, url: rpc.urlInUse() }),
        { timeoutMs: state.init.rpcTimeoutMs * 8 },
      ));
    }
    if (!state.busy.head && rpc.hasHeadFeed()) {
      const after = state.head;
      state = { ...state, busy: { ...state.busy, head: true } };
      effects.push(ctx.task(
        "head",
        (signal) => rpc.nextHead(after, signal),
        (result): WatcherMsg => ({ type: "HeadSeen", result }),
        { timeoutMs: 60_000 },
      ));
    }
    return { state, effects };
  }

  function startView(s: WatcherState, ctx: Ctx, effects: Effect[]): WatcherState {
    if (s.busy.view) return s;
    const rpc = deps.rpcFor(s.init.chainId);
    const at = now(ctx);
    const q = viewQuery(s, at);
    effects.push(ctx.task(
      "view",
      (signal) => readView(rpc, q, signal),
      (result): WatcherMsg => ({ type: "Viewed", result, url: rpc.urlInUse(), at }),
      { timeoutMs: s.init.rpcTimeoutMs * 4 },
    ));
    return { ...s, busy: { ...s.busy, view: true } };
  }

  function startFork(s: WatcherState, ctx: Ctx, effects: Effect[]): WatcherState {
    if (s.busy.fork) return { ...s, forkPending: true };
    const rpc = deps.rpcFor(s.init.chainId);
    const candidates = forkCandidates(s.pos);
    effects.push(ctx.task(
      "fork",
      (signal) => findFork(rpc, candidates, signal),
      (result): WatcherMsg => ({ type: "Forked", result, url: rpc.urlInUse() }),
      { timeoutMs: s.init.rpcTimeoutMs * 8 },
    ));
    return { ...s, forkPending: true, busy: { ...s.busy, fork: true } };
  }

  function startPoll(s: WatcherState, ctx: Ctx, effects: Effect[]): WatcherState {
    if (s.busy.poll) return s;
    const rpc = deps.rpcFor(s.init.chainId);
    const tip = s.pos.tip;
    effects.push(ctx.task(
      "poll",
      (signal) => pollHead(rpc, tip, signal),
      (result): WatcherMsg => ({ type: "Polled", result, url: rpc.urlInUse() }),
      { timeoutMs: s.init.rpcTimeoutMs * 4 },
    ));
    return { ...s, busy: { ...s.busy, poll: true } };
  }

  function failed(s: WatcherState, ctx: Ctx, error: string, url: string, effects: Effect[]) {
    const state = { ...s, rpcOk: false, rpcUrl: url, lastError: error };
    effects.push(ctx.send(paths.requests, { type: "View", view: viewOf(state, now(ctx)) }));
    return state;
  }

  return {
    kind: "chain-watcher",
    version: 1,
    initial: (init) => {
      const i = init as WatcherInit;
      return initialWatcherState(i, deps.rpcFor(i.chainId).urlInUse());
    },
    onStart: () => ({ type: "Start" }),
    summary: watcherSummary,
    handle(s, msg, ctx) {
      const effects: Effect[] = [];
      switch (msg.type) {
        case "Start": {
          // Running tasks died with the previous incarnation; what was sent but not acknowledged
          // is sent again by reading from the cursor (receivers dedup by ref.key).
          let state: WatcherState = { ...s, busy: idle(), pos: rewindToCursor(s.pos) };
          state = startPoll(state, ctx, effects);
          effects.push(ctx.setTimer("tick", state.init.pollPeriodMs, { type: "Tick" }));
          return drive(state, ctx, effects);
        }
        case "Tick": {
          effects.push(ctx.setTimer("tick", s.init.pollPeriodMs, { type: "Tick" }));
          let state = s;
          if (ackOverdue(state.pos, now(ctx), state.init.ackTimeoutMs) && !state.busy.read) {
            state = { ...state, pos: rewindToCursor(state.pos) };
          }
          state = state.forkPending
            ? startFork(state, ctx, effects)
            : startPoll(state, ctx, effects);
          return drive(state, ctx, effects);
        }
        case "Polled": {
          let state: WatcherState = { ...s, busy: { ...s.busy, poll: false } };
          if (!msg.result.ok) {
            return { state: failed(state, ctx, msg.result.error, msg.url, effects), effects };
          }
          const { head, tipMatches } = msg.result.value;
          state = { ...state, head: Math.max(state.head, head), rpcOk: true, rpcUrl: msg.url };
          if (tipMatches === false) state = startFork(state, ctx, effects);
          state = startView(state, ctx, effects);
          return drive(state, ctx, effects);
        }
        case "HeadSeen": {
          const state: WatcherState = { ...s, busy: { ...s.busy, head: false } };
          // A failed feed is retried by the next tick's drive; polling covers the gap.
          if (!msg.result.ok) return { state, effects };
          return drive({ ...state, head: Math.max(state.head, msg.result.value) }, ctx, effects);
        }
        case "Read": {
          let state: WatcherState = { ...s, busy: { ...s.busy, read: false } };
          const r = msg.result;
          if (!r.ok) {
            if (isRangeTooLarge(r.error) || r.timedOut || isTimeout(r.error)) {
              state = { ...state, range: shrink(state.range) };
            }
            if (isRangeTooLarge(r.error)) return drive(state, ctx, effects);
            return { state: failed(state, ctx, r.error, msg.url, effects), effects };
          }
          state = { ...state, rpcOk: true, rpcUrl: msg.url };
          // A rollback or rewind happened while this read ran: its range no longer follows the tip.
          if (!readFits(state, msg.from)) return drive(state, ctx, effects);
          const v = r.value;
          if (v.kind === "reorg") return { state: startFork(state, ctx, effects), effects };
          if (v.kind === "unavailable") return { state, effects };
          if (v.kind === "retry") return drive(state, ctx, effects);
          const room = state.init.limits.pending - pendingCount(state.pos);
          const tsOf = (n: number) =>
            v.read.events.find((e) => e.ref.blockNumber === n)?.ref.timestamp ?? v.read.ts;
          const read = limitRead(v.read, room, tsOf);
          const applied = applyRead(state.pos, read, now(ctx), state.init.limits);
          for (const e of applied.send) {
            effects.push(ctx.send(paths.requests, eventMsg(e, ctx.self, applied.batch)));
          }
          state = {
            ...state,
            pos: applied.state,
            range: grow(state.range, v.ms, state.init.maxBlocksPerQuery),
            paramsAt: v.paramsChanged ? 0 : state.paramsAt,
          };
          effects.push(ctx.send(paths.requests, { type: "View", view: viewOf(state, now(ctx)) }));
          if (v.paramsChanged) state = startView(state, ctx, effects);
          return drive(state, ctx, effects);
        }
        case "Forked": {
          let state: WatcherState = { ...s, busy: { ...s.busy, fork: false } };
          const r = msg.result;
          if (!r.ok) return { state: failed(state, ctx, r.error, msg.url, effects), effects };
          if (r.value === "unavailable") return { state, effects }; // the next tick tries again
          const back = rollback(state.pos, r.value);
          for (const d of back.removed) {
            effects.push(ctx.send(paths.requests, removedMsg(d.id, d.ref)));
          }
          state = { ...state, pos: back.state, forkPending: false, rpcOk: true, rpcUrl: msg.url };
          return drive(state, ctx, effects);
        }
        case "Viewed": {
          let state: WatcherState = { ...s, busy: { ...s.busy, view: false } };
          const r = msg.result;
          if (!r.ok) return { state: failed(state, ctx, r.error, msg.url, effects), effects };
          state = {
            ...state,
            rpcOk: true,
            rpcUrl: msg.url,
            money: { ...r.value, params: r.value.params ?? state.money?.params },
            paramsAt: r.value.params ? msg.at : state.paramsAt,
          };
          effects.push(ctx.send(paths.requests, { type: "View", view: viewOf(state, now(ctx)) }));
          return { state, effects };
        }
        case "EventAck": {
          const state = { ...s, pos: applyAck(s.pos, msg.batch, msg.key) };
          return drive(state, ctx, effects);
        }
      }
    },
  };
}

/**
 * MessageQueueActor (`/link/queue`): gives every status the next seq and makes it durable in the
 * outbox (Deno KV) before it can be sent; sends in order, only while the connection is ready,
 * within the sender window; deletes what the coordinator acknowledged. The outbox stays in KV:
 * this actor holds counters, the statuses waiting for the next append, and a bounded window of
 * recently appended ones (`lib/link/recent_window.ts`) so fresh statuses are not read back.
 *
 * @module
 */
import type { Behavior, Ctx, Effect, Step } from "../lib/runtime/types.ts";
import { type AppendStatus, paths } from "../lib/agent/messages.ts";
import { agentFrame, type StatusBody, statusBodySchema } from "../lib/link/frames.ts";
import {
  addToWindow,
  fitToEntry,
  fromWindow,
  type RecentWindow,
  trimWindow,
} from "../lib/link/recent_window.ts";
import {
  initialSenderState,
  type SenderAction,
  type SenderEvent,
  type SenderState,
  senderStep,
} from "../lib/link/sender.ts";
import { linkLog as log, type LinkServices, statusBodyOf } from "../lib/link/services.ts";

/** Behavior kind of the message queue actor. */
export const QUEUE_KIND = "link.queue";

/** Most statuses in one outbox append. */
const APPEND_BATCH = 500;
/** Delay before retrying a failed append or read. */
const RETRY_MS = 200;

/** The queue's state (not persisted: the outbox in KV is the durable record). */
export interface QueueState {
  sender: SenderState;
  /** Generation of the connection the sender state belongs to. */
  gen: number;
  /** Statuses received and not yet handed to the outbox, oldest first. */
  pending: StatusBody[];
  /** An append is in flight. */
  appending: boolean;
  /** The most recently appended statuses (durable already), to send without reading KV back. */
  recent: RecentWindow;
  /** The outbox is above `outboxWarnSize` (warned once until it drains to half). */
  overWarn: boolean;
}

/** Messages the queue accepts. */
export type QueueMsg =
  | { type: "Start" }
  | AppendStatus
  /** From `/link`: connected, welcome, ack, gap, disconnected of connection `gen`. */
  | { type: "Sender"; gen: number; event: SenderEvent }
  | { type: "Appended"; lastSeq: number; batch: StatusBody[] }
  | { type: "AppendFailed"; batch: StatusBody[]; error: string }
  | { type: "RetryAppend" }
  | { type: "Local"; event: SenderEvent }
  | { type: "ReadFailed"; gen: number; error: string }
  | { type: "Sent" };

/** The message queue actor, bound to the link's services. */
export function messageQueueBehavior(services: LinkServices): Behavior<QueueState, QueueMsg> {
  const { outbox, tuning } = services;
  const warnSize = services.config.outboxWarnSize;

  const appendTask = (ctx: Ctx, batch: StatusBody[]): Effect =>
    ctx.task(
      "link.append",
      () => outbox.append(batch),
      (r) =>
        r.ok
          ? { type: "Appended", lastSeq: r.value[r.value.length - 1], batch }
          : { type: "AppendFailed", batch, error: r.error },
    );

  const startAppend = (s: QueueState, ctx: Ctx): Step<QueueState> => {
    if (s.appending || s.pending.length === 0) return { state: s };
    const batch = s.pending.slice(0, APPEND_BATCH);
    return {
      state: { ...s, appending: true, pending: s.pending.slice(batch.length) },
      effects: [appendTask(ctx, batch)],
    };
  };

  const run = (s: QueueState, ctx: Ctx, action: SenderAction): Effect | undefined => {
    const gen = s.gen;
    switch (action.type) {
      case "sendHello":
        return undefined; // the connection actor says hello as soon as the socket is open
      case "read":
        return ctx.task(
          "link.read",
          () => outbox.readAfter(action.afterSeq, action.limit),
          (r) =>
            r.ok
              ? {
                type: "Local",
                event: { type: "read", afterSeq: action.afterSeq, entries: r.value },
              }
              : { type: "ReadFailed", gen, error: r.error },
        );
      case "send": {
        const frames = action.entries.map((e) =>
          agentFrame("status", e.message as StatusBody, e.seq)
        );
        return ctx.task("link.sendStatus", () => {
          // When the connection is gone the frames are dropped here and resent after welcome.
          if (services.sendFrames(gen, frames)) services.counters.statusFramesSent += frames.length;
          return Promise.resolve();
        }, () => ({ type: "Sent" }));
      }
      case "ackOutbox":
        return ctx.task(
          "link.ack",
          () => outbox.ackUpTo(action.seq),
          (r) =>
            r.ok
              ? { type: "Local", event: { type: "outboxAcked", seq: action.seq } }
              : { type: "Sent" }, // the next ack covers it
        );
      case "protocolError":
        log.warn("link out of step with the coordinator: {detail}; reconnecting to resync", {
          detail: action.detail,
        });
        return ctx.task("link.resync", () => {
          services.live(gen)?.close(1000, "resync");
          return Promise.resolve();
        }, () => ({ type: "Sent" }));
    }
  };

  const step = (s: QueueState, ctx: Ctx, event: SenderEvent): Step<QueueState> => {
    let state = s;
    const effects: Effect[] = [];
    const events: SenderEvent[] = [event];
    for (let ev = events.shift(); ev !== undefined; ev = events.shift()) {
      const out = senderStep(state.sender, ev, tuning.sender);
      state = { ...state, sender: out.state };
      for (const action of out.actions) {
        // Pages still in the recent window are served from memory, without a KV read.
        const cached = action.type === "read" ? fromWindow(state.recent, action) : undefined;
        if (cached && action.type === "read") {
          events.push({ type: "read", afterSeq: action.afterSeq, entries: cached });
          continue;
        }
        const e = run(state, ctx, action);
        if (e) effects.push(e);
      }
    }
    const recent = trimWindow(state.recent, state.sender.acked);
    return { state: watchDepth(recent === state.recent ? state : { ...state, recent }), effects };
  };

  const watchDepth = (s: QueueState): QueueState => {
    const depth = s.sender.lastSeq - s.sender.outboxAcked;
    if (!s.overWarn && depth > warnSize) {
      services.counters.outboxWarnings++;
      log.warn(
        "outbox holds {depth} unacknowledged statuses (warn size {warnSize}); nothing is dropped, " +
          "they wait in KV until the coordinator acknowledges them",
        { depth, warnSize },
      );
      return { ...s, overWarn: true };
    }
    if (s.overWarn && depth <= warnSize / 2) {
      log.info("outbox drained to {depth} statuses", { depth });
      return { ...s, overWarn: false };
    }
    return s;
  };

  return {
    kind: QUEUE_KIND,
    version: 1,
    persist: false,
    initial: () => ({
      sender: initialSenderState(outbox.stats()),
      gen: 0,
      pending: [],
      recent: { first: 1, bodies: [] },
      appending: false,
      overWarn: false,
    }),
    onStart: () => ({ type: "Start" }),
    summary: (s) =>
      `${s.sender.link} sent=${s.sender.sent} acked=${s.sender.acked} last=${s.sender.lastSeq}` +
      ` pending=${s.pending.length}${s.overWarn ? " OVER WARN SIZE" : ""}`,
    handle(s, msg, ctx) {
      switch (msg.type) {
        case "Start":
          // The outbox is the truth after any (re)start; the snapshot is not kept.
          return {
            state: { ...s, sender: initialSenderState(outbox.stats()) },
            effects: [ctx.send(paths.link, { type: "QueueStarted" })],
          };
        case "AppendStatus": {
          // A body the coordinator would refuse would block the ordered stream for good: it is
          // refused here, at the door, logged and counted (a producer's bug, not a link state).
          const body = statusBodyOf(msg.report);
          const checked = statusBodySchema.safeParse(body);
          if (!checked.success) {
            const reason = checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)
              .join("; ");
            services.counters.badFrames.invalid_status =
              (services.counters.badFrames.invalid_status ?? 0) + 1;
            log.error("status of {kind} {id} not queued: {reason}", {
              kind: body.kind,
              id: body.id,
              reason,
            });
            return { state: s };
          }
          // The pending buffer is owned by this actor and only appended to here; copying it for
          // every status would make a burst of n statuses cost n² while an append is in flight.
          s.pending.push(fitToEntry(body));
          return startAppend(s, ctx);
        }
        case "Appended": {
          const recent = addToWindow(s.recent, msg.batch, msg.lastSeq);
          const next = step({ ...s, appending: false, recent }, ctx, {
            type: "appended",
            lastSeq: msg.lastSeq,
          });
          const more = startAppend(next.state, ctx);
          return { state: more.state, effects: [...next.effects!, ...(more.effects ?? [])] };
        }
        case "AppendFailed":
          log.error("could not store {count} statuses in the outbox: {error}; retrying", {
            count: msg.batch.length,
            error: msg.error,
          });
          // A batch of 500 is one KV commit, refused whole: put it back in front and retry.
          return {
            state: { ...s, appending: false, pending: [...msg.batch, ...s.pending] },
            effects: [ctx.setTimer("append", RETRY_MS, { type: "RetryAppend" })],
          };
        case "RetryAppend":
          return startAppend(s, ctx);
        case "Sender": {
          if (msg.event.type === "connected") return step({ ...s, gen: msg.gen }, ctx, msg.event);
          if (msg.gen !== s.gen) return { state: s };
          return step(s, ctx, msg.event);
        }
        case "Local":
          return step(s, ctx, msg.event);
        case "ReadFailed": {
          if (msg.gen !== s.gen) return { state: s };
          log.error("could not read the outbox: {error}; reconnecting to resume", {
            error: msg.error,
          });
          const close = run(s, ctx, { type: "protocolError", detail: msg.error })!;
          const next = step(s, ctx, { type: "disconnected" });
          return { state: next.state, effects: [close, ...next.effects!] };
        }
        case "Sent":
          return { state: s };
      }
    },
  };
}

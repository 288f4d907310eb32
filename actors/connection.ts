/**
 * ConnectionActor (`/link`): owns the connection to the coordinator. It connects through the
 * transport factory and says hello, turns every coordinator frame into sender events (for
 * `/link/queue`), replies, commands (for `/control`) and liveness; reconnects with backoff and
 * jitter; and stops reconnecting quickly after a refusal (bad auth, superseded).
 *
 * @module
 */
import type { Behavior, Ctx, Effect, Step } from "../lib/runtime/types.ts";
import {
  type CommandResult,
  type LinkCommand,
  paths,
  type SpecUpdate,
} from "../lib/agent/messages.ts";
import { type AgentFrame, agentFrame, type SpecBody } from "../lib/link/frames.ts";
import { CloseCodes, isRetryableClose } from "../lib/link/close_codes.ts";
import { backoffDelayMs } from "../lib/link/backoff.ts";
import { helloFrame, interpretCoordinatorData } from "../lib/link/agent_inbound.ts";
import { linkLog as log, type LinkServices } from "../lib/link/services.ts";
import type { QueueMsg } from "./message_queue.ts";

/** Behavior kind of the connection actor. */
export const CONNECTION_KIND = "link.connection";

/** Where the connection is. */
export type ConnectionPhase =
  | "idle"
  | "connecting"
  | "greeting"
  | "ready"
  | "waiting"
  | "refused"
  | "stopped";

/** The connection actor's state (not persisted: the outbox is the durable part of the link). */
export interface ConnectionState {
  phase: ConnectionPhase;
  /** Generation of the current transport; events of older ones are ignored. */
  gen: number;
  /** Failed attempts since the last welcome (drives the backoff). */
  attempt: number;
  /** When the last valid frame (or the connect) was seen, ms. */
  lastFrameAt: number;
  /** The latest spec, sent after every welcome and on change. */
  spec: SpecBody | null;
  /** Commands handed to `/control` and not yet answered: id → connection generation. */
  commands: Record<string, number>;
  /** Why the last connection ended or was refused, for the summary. */
  lastReason: string;
}

/** Messages the connection actor accepts. */
export type ConnectionMsg =
  | { type: "Start" }
  | { type: "Connect" }
  | { type: "Connected"; gen: number }
  | { type: "ConnectFailed"; gen: number; error: string }
  | { type: "Inbound"; gen: number; data: string | ArrayBuffer }
  | { type: "Closed"; gen: number; code: number; reason: string }
  | { type: "CheckLiveness" }
  | { type: "CommandTimeout"; id: string }
  | { type: "Stop" }
  | { type: "QueueStarted" }
  | { type: "Sent" }
  | SpecUpdate
  | CommandResult;

/** The connection actor, bound to the link's services. */
export function connectionBehavior(
  services: LinkServices,
): Behavior<ConnectionState, ConnectionMsg> {
  const sendTask = (ctx: Ctx, gen: number, frames: AgentFrame[]): Effect =>
    ctx.task("link.send", () => Promise.resolve(services.sendFrames(gen, frames)), () => ({
      type: "Sent",
    }));

  const closeTask = (ctx: Ctx, gen: number, code: number, reason: string): Effect =>
    ctx.task("link.close", () => {
      services.live(gen)?.close(code, reason);
      return Promise.resolve();
    }, () => ({ type: "Sent" }));

  const toQueue = (ctx: Ctx, msg: QueueMsg): Effect => ctx.send(paths.queue, msg);

  const connectTask = (ctx: Ctx, gen: number): Effect =>
    ctx.task("link.connect", async () => {
      const transport = services.transportFactory();
      services.counters.connectAttempts++;
      transport.listen({
        onMessage: (data) => services.post(paths.link, { type: "Inbound", gen, data }),
        onClose: (close) => {
          services.setLive(gen, undefined);
          services.post(paths.link, {
            type: "Closed",
            gen,
            code: close.code,
            reason: close.error ? `${close.reason} (${close.error})` : close.reason,
          });
        },
      });
      services.setLive(gen, transport);
      try {
        await transport.connect();
      } catch (err) {
        services.setLive(gen, undefined);
        throw err;
      }
      const stats = services.outbox.stats();
      const hello = helloFrame(services.identity, stats.streamId, stats.lastAckedSeq);
      if (!services.sendFrames(gen, [hello])) throw new Error("connection closed before hello");
    }, (r) => r.ok ? { type: "Connected", gen } : { type: "ConnectFailed", gen, error: r.error });

  const retry = (s: ConnectionState, ctx: Ctx, why: string): Step<ConnectionState> => {
    const delay = backoffDelayMs(s.attempt, services.tuning.backoff, services.random);
    log.info("link down ({why}); reconnecting in {delay} ms", { why, delay });
    return {
      state: { ...s, phase: "waiting", attempt: s.attempt + 1, lastReason: why },
      effects: [ctx.setTimer("connect", delay, { type: "Connect" })],
    };
  };

  /** The current connection is gone: tell the queue and decide when to try again. */
  const down = (
    s: ConnectionState,
    ctx: Ctx,
    code: number,
    why: string,
  ): Step<ConnectionState> => {
    const effects: Effect[] = [];
    if (s.phase === "greeting" || s.phase === "ready") {
      effects.push(toQueue(ctx, { type: "Sender", gen: s.gen, event: { type: "disconnected" } }));
    }
    if (s.phase === "stopped") return { state: s, effects };
    if (!isRetryableClose(code)) {
      const delay = services.tuning.refusedRetryMs;
      const what = code === CloseCodes.badAuth
        ? `the coordinator refused the token (close ${code}); check ${services.config.tokenEnv}`
        : `another connection of agent ${services.identity.agentId} took over (close ${code})`;
      services.counters.refusals++;
      log.error("link refused: {what}; next attempt in {delay} ms", { what, delay });
      return {
        state: { ...s, phase: "refused", lastReason: what },
        effects: [...effects, ctx.setTimer("connect", delay, { type: "Connect" })],
      };
    }
    const step = retry(s, ctx, why);
    return { state: step.state, effects: [...effects, ...step.effects!] };
  };

  const connected = (s: ConnectionState, ctx: Ctx): Step<ConnectionState> => ({
    state: { ...s, phase: "greeting", lastFrameAt: ctx.now() },
    effects: [toQueue(ctx, { type: "Sender", gen: s.gen, event: { type: "connected" } })],
  });

  const inbound = (
    s0: ConnectionState,
    msg: Extract<ConnectionMsg, { type: "Inbound" }>,
    ctx: Ctx,
  ): Step<ConnectionState> => {
    let s = s0;
    const effects: Effect[] = [];
    for (
      const effect of interpretCoordinatorData(msg.data, ctx.now(), services.tuning.maxFrameBytes)
    ) {
      switch (effect.type) {
        case "alive":
          s = { ...s, lastFrameAt: ctx.now() };
          break;
        case "refused": {
          const bad = services.counters.badFrames;
          bad[effect.reason] = (bad[effect.reason] ?? 0) + 1;
          log.warn("refused a coordinator frame: {reason}: {detail}", { ...effect });
          break;
        }
        case "sender":
          if (effect.event.type === "welcome") {
            services.counters.connections++;
            log.info("link up: coordinator has seq {seq}", { seq: effect.event.lastReceivedSeq });
            s = { ...s, phase: "ready", attempt: 0, lastReason: "" };
            effects.push(toQueue(ctx, { type: "Sender", gen: s.gen, event: effect.event }));
            if (s.spec) effects.push(sendTask(ctx, s.gen, [agentFrame("spec", s.spec)]));
          } else {
            effects.push(toQueue(ctx, { type: "Sender", gen: s.gen, event: effect.event }));
          }
          break;
        case "reply":
          effects.push(sendTask(ctx, s.gen, [effect.frame]));
          break;
        case "command": {
          const cmd: LinkCommand = {
            type: "LinkCommand",
            id: effect.id,
            command: effect.command,
            replyTo: paths.link,
          };
          s = { ...s, commands: { ...s.commands, [effect.id]: s.gen } };
          effects.push(
            ctx.send(paths.control, cmd),
            ctx.setTimer(`cmd:${effect.id}`, services.tuning.commandTimeoutMs, {
              type: "CommandTimeout",
              id: effect.id,
            }),
          );
          break;
        }
        case "coordinatorError":
          log.warn("coordinator refused a frame: {reason}: {message}", { ...effect });
          break;
        case "heartbeatAnswered":
          break;
      }
    }
    return { state: s, effects };
  };

  const answer = (
    s: ConnectionState,
    ctx: Ctx,
    id: string,
    ok: boolean,
    detail?: string,
  ): Step<ConnectionState> => {
    if (!(id in s.commands)) return { state: s };
    const commands = { ...s.commands };
    delete commands[id];
    const body = detail === undefined ? { id, ok } : { id, ok, detail };
    return {
      state: { ...s, commands },
      effects: [
        ctx.cancelTimer(`cmd:${id}`),
        sendTask(ctx, s.gen, [agentFrame("command_result", body)]),
      ],
    };
  };

  return {
    kind: CONNECTION_KIND,
    version: 1,
    persist: false,
    initial: () => ({
      phase: "idle",
      gen: 0,
      attempt: 0,
      lastFrameAt: 0,
      spec: null,
      commands: {},
      lastReason: "",
    }),
    onStart: () => ({ type: "Start" }),
    summary: (s) =>
      `${s.phase} gen=${s.gen} attempt=${s.attempt}${s.lastReason ? ` (${s.lastReason})` : ""}`,
    handle(s, msg, ctx) {
      switch (msg.type) {
        case "Start": {
          // After a restart of this actor a connection of its previous life may still be open:
          // close it, and take generations from the services so old events never match.
          const effects: Effect[] = [];
          const old = services.live();
          if (old) {
            effects.push(ctx.task("link.close", () => {
              old.close(CloseCodes.normal, "link restarted");
              return Promise.resolve();
            }, () => ({ type: "Sent" })));
          }
          const gen = services.nextGen();
          return {
            state: { ...s, phase: "connecting", gen },
            effects: [...effects, connectTask(ctx, gen)],
          };
        }
        case "Connect": {
          if (s.phase !== "waiting" && s.phase !== "refused" && s.phase !== "idle") {
            return { state: s };
          }
          const gen = services.nextGen();
          return { state: { ...s, phase: "connecting", gen }, effects: [connectTask(ctx, gen)] };
        }
        case "QueueStarted": {
          // The queue restarted with a fresh sender: only a new hello/welcome puts it in step.
          if (s.phase !== "greeting" && s.phase !== "ready") return { state: s };
          const step = down(s, ctx, CloseCodes.normal, "queue restarted; resyncing");
          return {
            state: { ...step.state, gen: services.nextGen() },
            effects: [closeTask(ctx, s.gen, CloseCodes.normal, "resync"), ...step.effects!],
          };
        }
        case "Connected":
          if (msg.gen === s.gen && s.phase === "stopped") {
            // Stopped while connecting: do not leave the new connection open.
            return {
              state: s,
              effects: [closeTask(ctx, msg.gen, CloseCodes.normal, "agent stopping")],
            };
          }
          if (msg.gen !== s.gen || s.phase !== "connecting") return { state: s };
          return connected(s, ctx);
        case "ConnectFailed":
          if (msg.gen !== s.gen || s.phase !== "connecting") return { state: s };
          return retry(s, ctx, `connect failed: ${msg.error}`);
        case "Inbound": {
          if (msg.gen !== s.gen) return { state: s };
          if (s.phase === "connecting") {
            // A frame can overtake the connect task's outcome; the connection is open.
            const first = connected(s, ctx);
            const next = inbound(first.state, msg, ctx);
            return { state: next.state, effects: [...first.effects!, ...next.effects!] };
          }
          if (s.phase !== "greeting" && s.phase !== "ready") return { state: s };
          return inbound(s, msg, ctx);
        }
        case "Closed": {
          if (msg.gen !== s.gen) return { state: s };
          if (msg.code === CloseCodes.messageTooBigClient) {
            log.warn("refused a coordinator frame: oversize: {reason}", { reason: msg.reason });
            const bad = services.counters.badFrames;
            bad.oversize = (bad.oversize ?? 0) + 1;
          }
          // A close before `Connected` was handled still ends this generation; the connect
          // task's outcome is then ignored because the phase moved on.
          return down(s, ctx, msg.code, `closed ${msg.code} ${msg.reason}`.trim());
        }
        case "CheckLiveness": {
          if (s.phase !== "greeting" && s.phase !== "ready") return { state: s };
          const silent = ctx.now() - s.lastFrameAt;
          if (silent <= services.config.heartbeatTimeoutMs) return { state: s };
          services.counters.heartbeatTimeouts++;
          const gen = s.gen;
          const close = closeTask(ctx, gen, CloseCodes.heartbeatTimeout, "missed heartbeat window");
          // Do not wait for the close handshake of a silent peer: move to a new generation now.
          const step = down(s, ctx, CloseCodes.heartbeatTimeout, `no frame for ${silent} ms`);
          return {
            state: { ...step.state, gen: services.nextGen() },
            effects: [close, ...step.effects!],
          };
        }
        case "SpecUpdate": {
          const spec: SpecBody = msg.spec;
          const effects = s.phase === "ready"
            ? [sendTask(ctx, s.gen, [agentFrame("spec", spec)])]
            : [];
          return { state: { ...s, spec }, effects };
        }
        case "CommandResult":
          return answer(s, ctx, msg.id, msg.ok, msg.detail);
        case "CommandTimeout": {
          if (!(msg.id in s.commands)) return { state: s };
          services.counters.commandTimeouts++;
          const detail =
            `${paths.control} did not answer within ${services.tuning.commandTimeoutMs} ms`;
          log.warn("command {id}: {detail}", { id: msg.id, detail });
          return answer(s, ctx, msg.id, false, detail);
        }
        case "Stop": {
          const gen = s.gen;
          const effects: Effect[] = [
            ctx.cancelTimer("connect"),
            closeTask(ctx, gen, CloseCodes.normal, "agent stopping"),
          ];
          if (s.phase === "greeting" || s.phase === "ready") {
            effects.push(toQueue(ctx, { type: "Sender", gen, event: { type: "disconnected" } }));
          }
          return { state: { ...s, phase: "stopped" }, effects };
        }
        case "Sent":
          return { state: s };
      }
    },
  };
}

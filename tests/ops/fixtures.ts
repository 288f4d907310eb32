/**
 * Fixtures of the operations tests: small `request` and `claim` behaviors shaped as the agent's
 * actors are (the inspection state contract), a populated KV written through a real
 * ActorSystem, and a subprocess runner for `main.ts`.
 *
 * @module
 */

import { ActorSystem, type Behavior } from "../../lib/runtime/mod.ts";
import { Outbox } from "../../lib/link/outbox.ts";

/** A transition as the agent's actors record it. */
export interface Hist {
  state: string;
  at: number;
  block?: number;
  tx?: string;
  reason?: string;
}

/** State of the test `request` behavior (the inspection contract). */
export interface ReqState {
  id: string;
  fsm: string;
  sourceChainId: number;
  targetChainId?: number;
  amount?: string;
  reason?: string;
  history: Hist[];
}

type ReqMsg = { type: "move"; to: string; at: number; block?: number; tx?: string };

/** A `request` behavior: moves between states on command and records history. */
export const requestBehavior: Behavior<ReqState, ReqMsg> = {
  kind: "request",
  version: 1,
  initial: (init) => {
    const i = init as Omit<ReqState, "history" | "fsm"> & { at: number };
    return {
      id: i.id,
      fsm: "pending",
      sourceChainId: i.sourceChainId,
      targetChainId: i.targetChainId,
      amount: i.amount,
      history: [{ state: "pending", at: i.at }],
    };
  },
  handle: (s, m) => ({
    state: {
      ...s,
      fsm: m.to,
      history: [...s.history, { state: m.to, at: m.at, block: m.block, tx: m.tx }],
    },
  }),
  summary: (s) => `${s.fsm} ${s.sourceChainId}→${s.targetChainId}`,
};

/** State of the test `claim` behavior. */
export interface ClaimState {
  claimId: number;
  requestId: string;
  fsm: string;
  claimer: string;
  history: Hist[];
}

/** A `claim` behavior with a fixed state. */
export const claimBehavior: Behavior<ClaimState, unknown> = {
  kind: "claim",
  version: 1,
  initial: (init) => init as ClaimState,
  handle: (s) => ({ state: s }),
  summary: (s) => `${s.fsm} by ${s.claimer.slice(0, 10)}`,
};

/** A plain parent for the tree. */
export const groupBehavior: Behavior<{ n: number }, unknown> = {
  kind: "group",
  version: 1,
  initial: () => ({ n: 0 }),
  handle: (s) => ({ state: s }),
  summary: () => "group",
};

/** Request ids used by {@link populate}. */
export const REQ_A = "0x" + "aa".repeat(32);
/** Second request id. */
export const REQ_B = "0x" + "bb".repeat(32);
/** Claimer address of the fixture claim. */
export const CLAIMER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** The behaviors of the fixture system. */
export const fixtureBehaviors = [requestBehavior, claimBehavior, groupBehavior] as Behavior[];

/** Spawns the fixture population in `system` and waits until it is durable. */
export async function spawnFixture(system: ActorSystem): Promise<void> {
  const T = 1_764_000_000_000;
  system.spawn("/requests", "group");
  system.spawn("/requests/s01", "group");
  system.spawn(`/requests/s01/${REQ_A}`, "request", {
    id: REQ_A,
    sourceChainId: 901,
    targetChainId: 902,
    amount: "1000000",
    at: T,
  });
  system.send(`/requests/s01/${REQ_A}`, {
    type: "move",
    to: "filled",
    at: T + 1000,
    block: 42,
    tx: "0x" + "11".repeat(32),
  });
  system.send(`/requests/s01/${REQ_A}`, {
    type: "move",
    to: "claimed",
    at: T + 2000,
    block: 43,
    tx: "0x" + "22".repeat(32),
  });
  system.spawn(`/requests/s01/${REQ_B}`, "request", {
    id: REQ_B,
    sourceChainId: 902,
    targetChainId: 901,
    amount: "5",
    at: T,
  });
  system.spawn(`/requests/s01/${REQ_A}/c7`, "claim", {
    claimId: 7,
    requestId: REQ_A,
    fsm: "claimer_winning",
    claimer: CLAIMER,
    history: [{ state: "started", at: T + 2000, block: 43 }],
  });
  for (const p of system.paths()) await system.whenDurable(p);
  await system.flush();
}

/** Writes the fixture population (and an outbox with 2 of 3 messages acked) into `kv`. */
export async function populate(kv: Deno.Kv): Promise<void> {
  const system = await ActorSystem.start({ kv, behaviors: fixtureBehaviors });
  try {
    await spawnFixture(system);
  } finally {
    await system.stop();
  }
  const outbox = await Outbox.open(kv, { agentId: "lp-1" });
  await outbox.append([{ kind: "a" }, { kind: "b" }, { kind: "c", id: REQ_A }]);
  await outbox.ackUpTo(2);
}

/** Result of running `main.ts`. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Runs `deno run -A main.ts ...args` with `env` added, in `cwd`. */
export async function tern(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<RunResult> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1", ...opts.env },
    cwd: opts.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const r = await cmd.output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

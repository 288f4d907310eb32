/**
 * A RequestActor on the bench: its reducer called directly with hand-built events and views,
 * no chain and no runtime.
 *
 * @module
 */
import { requestBehavior } from "../../actors/request.ts";
import type {
  Address,
  BridgeEvent,
  ChainView,
  EventRef,
  Hex,
  RequestMsg,
  SendTx,
  StatusReport,
} from "../../lib/agent/messages.ts";
import type { RequestActorState } from "../../lib/agent/request_state.ts";
import type { AgentSettings } from "../../lib/agent/settings.ts";
import { ActorCtx } from "../../lib/runtime/context.ts";
import type { Behavior, Effect, TimerSpec } from "../../lib/runtime/types.ts";

export const SRC = 10;
export const TGT = 20;
export const L1 = 1;
export const LP: Address = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
export const OTHER: Address = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
export const THIRD: Address = "0xcccccccccccccccccccccccccccccccccccccccc";
export const SRC_TOKEN: Address = "0x1111111111111111111111111111111111111111";
export const TGT_TOKEN: Address = "0x2222222222222222222222222222222222222222";
export const RECEIVER: Address = "0x3333333333333333333333333333333333333333";
export const REQ: Hex = "0x00000000000000000000000000000000000000000000000000000000000000a1";
export const FILL_ID: Hex = "0x00000000000000000000000000000000000000000000000000000000000000f1";
export const FAKE_FILL: Hex = "0x00000000000000000000000000000000000000000000000000000000000000ee";
/** Wall clock start, seconds. */
export const T0 = 1_000_000;
export const CLAIM_STAKE = 100n;
export const FINALITY = 60;

export function settings(over: Partial<AgentSettings> = {}): AgentSettings {
  const chain = (chainId: number) => ({
    chainId,
    requestManager: `0x${"5".repeat(38)}${chainId}` as Address,
    fillManager: `0x${"6".repeat(38)}${chainId}` as Address,
    maxViewLag: 30,
    maxBlockLag: 2,
    minSourceBalance: "0",
  });
  return {
    lp: LP,
    l1ChainId: L1,
    chains: { [SRC]: chain(SRC), [TGT]: chain(TGT) },
    tokens: [
      { class: "TST", chainId: SRC, address: SRC_TOKEN, allowance: "max" },
      { class: "TST", chainId: TGT, address: TGT_TOKEN, allowance: "max" },
    ],
    minFeePpm: 0,
    tokenPolicy: { TST: { reserveBalance: "0" } },
    unsafeFillTime: 600,
    fillWaitTime: 30,
    defaultL1GasPrice: "1000000000",
    l1Relay: "devnet",
    maxTxAttempts: 3,
    ...over,
  };
}

/** A view of `chainId` taken now, chain time `timestamp`. */
export function view(
  chainId: number,
  nowMs: number,
  over: Partial<ChainView> = {},
): ChainView {
  return {
    chainId,
    head: 100,
    synced: 100,
    timestamp: Math.floor(nowMs / 1000),
    at: nowMs,
    rpcOk: true,
    rpcUrl: "http://x",
    nativeBalance: String(10n ** 18n),
    tokens: chainId === TGT
      ? { [TGT_TOKEN]: { balance: "1000", allowance: String((1n << 256n) - 1n) } }
      : {},
    params: chainId === L1 ? undefined : {
      claimStake: String(CLAIM_STAKE),
      claimPeriod: 100,
      claimRequestExtension: 100,
      challengePeriodExtension: 50,
      finalityPeriods: { [SRC]: FINALITY, [TGT]: FINALITY },
      lpAllowedOnRequestManager: true,
      lpAllowedOnFillManager: true,
    },
    gasPrice: chainId === L1 ? "1000000000" : undefined,
    ...over,
  };
}

let logIndex = 0;
export function ref(chainId: number, timestamp: number, block = 50): EventRef {
  const blockHash = `0x${block.toString(16).padStart(64, "0")}` as Hex;
  const i = logIndex++;
  return {
    chainId,
    blockNumber: block,
    blockHash,
    logIndex: i,
    txHash: `0x${(1000 + i).toString(16).padStart(64, "0")}` as Hex,
    timestamp,
    key: `${blockHash}:${i}`,
  };
}

export function created(over: Partial<Extract<BridgeEvent, { type: "RequestCreated" }>> = {}) {
  return {
    type: "RequestCreated",
    requestId: REQ,
    targetChainId: TGT,
    sourceToken: SRC_TOKEN,
    targetToken: TGT_TOKEN,
    sourceAddress: RECEIVER,
    targetAddress: RECEIVER,
    amount: "100",
    nonce: "1",
    validUntil: T0 + 3600,
    lpFee: "10",
    protocolFee: "0",
    ...over,
  } as const satisfies BridgeEvent;
}

export function filled(filler: Address, fillId: Hex = FILL_ID): BridgeEvent {
  return {
    type: "RequestFilled",
    requestId: REQ,
    fillId,
    sourceChainId: SRC,
    targetToken: TGT_TOKEN,
    filler,
    amount: "100",
  };
}

export function claimMade(
  claimId: string,
  claimer: Address,
  fillId: Hex,
  termination: number,
  stakes: { claimer?: bigint; challengers?: bigint; last?: Address } = {},
): BridgeEvent {
  return {
    type: "ClaimMade",
    requestId: REQ,
    claimId,
    claimer,
    claimerStake: String(stakes.claimer ?? CLAIM_STAKE),
    lastChallenger: stakes.last ?? "0x0000000000000000000000000000000000000000",
    challengerStakeTotal: String(stakes.challengers ?? 0n),
    termination,
    fillId,
  };
}

/** A RequestActor whose reducer the test drives directly. */
export class Bench {
  readonly behavior: Behavior<RequestActorState, RequestMsg>;
  state: RequestActorState;
  nowMs = T0 * 1000;
  timers = new Map<string, TimerSpec>();
  effects: Effect[] = [];
  /** Every effect since construction (or the last {@link clearLog}). */
  log: Effect[] = [];
  readonly self = `/requests/s01/${REQ}`;
  constructor(readonly settings: AgentSettings = fixtureSettings()) {
    this.behavior = requestBehavior({ settings });
    this.state = this.behavior.initial({ id: REQ }, this.self);
  }
  /** Advances the wall clock by `s` seconds. */
  advance(s: number): void {
    this.nowMs += s * 1000;
  }
  send(msg: RequestMsg): Effect[] {
    const ctx = new ActorCtx(this.self, "/requests/s01", this.timers, () => this.nowMs);
    const step = this.behavior.handle(this.state, msg, ctx);
    this.state = JSON.parse(JSON.stringify(step.state)); // snapshots are JSON
    this.effects = step.effects ?? [];
    this.log.push(...this.effects);
    for (const e of this.effects) {
      if (e.kind === "setTimer") this.timers.set(e.name, { at: e.at, msg: e.msg });
      if (e.kind === "cancelTimer") this.timers.delete(e.name);
    }
    return this.effects;
  }
  /** Sends one view of `chainId` taken now. */
  view(chainId: number, over: Partial<ChainView> = {}): Effect[] {
    return this.send({ type: "View", view: view(chainId, this.nowMs, over) });
  }
  event(event: BridgeEvent, r: EventRef): Effect[] {
    return this.send({ type: "Event", event, ref: r });
  }
  /** Sends fresh views of all chains (chain time = wall time + `drift` seconds). */
  views(over: Partial<Record<number, Partial<ChainView>>> = {}, drift = 0): Effect[] {
    let out: Effect[] = [];
    for (const c of [SRC, TGT, L1]) {
      const v = view(c, this.nowMs, {
        timestamp: Math.floor(this.nowMs / 1000) + drift,
        ...over[c],
      });
      out = [...out, ...this.send({ type: "View", view: v })];
    }
    this.effects = out;
    return out;
  }
  txs(effects: Effect[] = this.effects): (SendTx & { chain: string; durable?: boolean })[] {
    return effects.flatMap((e) =>
      e.kind === "send" && (e.msg as { type?: string }).type === "SendTx"
        ? [{ ...(e.msg as SendTx), chain: e.to, durable: e.durable }]
        : []
    );
  }
  /** SendTx effects since the last call of this method. */
  sentTxs(): (SendTx & { chain: string; durable?: boolean })[] {
    const out = this.txs(this.log);
    this.log = [];
    return out;
  }
  statuses(effects: Effect[] = this.effects): StatusReport[] {
    return effects.flatMap((e) =>
      e.kind === "send" && e.to === "/status" ? [e.msg as StatusReport] : []
    );
  }
  /** Replies to the pending tx with purpose `purpose`. */
  outcome(
    purpose: string,
    status: "mined" | "reverted" | "failed",
    reason?: string,
  ): Effect[] {
    const id = Object.entries(this.state.pending).find(([, p]) => p.purpose === purpose)?.[0];
    if (!id) throw new Error(`no pending ${purpose}`);
    return this.send({
      type: "TxOutcome",
      id,
      purpose: purpose as never,
      status,
      hash: `0x${"ab".repeat(32)}`,
      blockNumber: 60,
      reason,
    });
  }
}

export function fixtureSettings(over: Partial<AgentSettings> = {}): AgentSettings {
  return settings(over);
}

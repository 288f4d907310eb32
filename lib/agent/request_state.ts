/**
 * The state of a RequestActor (its request and the claims on it) and the pure views the
 * decisions of `lib/fsm/` are asked with. Plain JSON: amounts as decimal strings.
 *
 * @module
 */

import type { ClaimState } from "../fsm/claim.ts";
import type { ClaimGame } from "../fsm/game.ts";
import type { RequestState } from "../fsm/request.ts";
import type { FillView } from "../fsm/request_guards.ts";
import { type ClaimDecisionView, l1CostFromGasPrice } from "../fsm/strategy.ts";
import type {
  Address,
  BridgeEvent,
  ChainView,
  Dec,
  EventRef,
  FillPolicy,
  Hex,
  TxPurpose,
} from "./messages.ts";
import { type AgentSettings, tokenOf } from "./settings.ts";

/** One step of a request's or claim's history. */
export interface HistoryEntry {
  state: string;
  /** ISO wall time. */
  at: string;
  block?: number;
  tx?: string;
  reason?: string;
}

/** The request as RequestCreated describes it, with the key of that log (for EventRemoved). */
export type RequestInfo =
  & Pick<
    Extract<BridgeEvent, { type: "RequestCreated" }>,
    | "sourceToken"
    | "targetToken"
    | "sourceAddress"
    | "targetAddress"
    | "amount"
    | "nonce"
    | "validUntil"
    | "lpFee"
  >
  & { key: string };

/** A fill of the request seen on the target chain. */
export interface FillRecord {
  filler: Address;
  fillId: Hex;
  txHash: Hex;
  timestamp: number;
  key: string;
}

/** {@link ClaimGame} as JSON. */
export interface GameJson {
  claimer: Address;
  claimerStake: Dec;
  challengerStakes: Record<string, Dec>;
  lastChallenger: Address;
  challengerStakeTotal: Dec;
  termination: number;
  fillId: Hex;
}

/** One claim on the request, followed inside its RequestActor. */
export interface ClaimRecord {
  claimId: Dec;
  requestId: Hex;
  fsm: ClaimState;
  claimer: Address;
  game: GameJson;
  history: HistoryEntry[];
  /** Wall-clock seconds before which the claim is not acted against. */
  backOffUntil: number;
  /** A challenge or withdrawal of ours is not yet reflected in events. */
  txPending: boolean;
  /** ClaimMade moves applied (the round of our next challenge). */
  moves: number;
  withdrawnByUs: boolean;
  resolutionInFlight: boolean;
  /** Ref key of the initial ClaimMade. */
  key: string;
  /** Why the last step waited or was deferred. */
  reason?: string;
}

/** A transaction sent and not yet answered. */
export interface PendingTx {
  purpose: TxPurpose;
  /** Claim id for challenge/withdraw. */
  claimId?: string;
  /** Approve only: the allowance approved. */
  amount?: Dec;
  /** ms wall time sent. */
  sentAt: number;
}

/** The whole state of a RequestActor. Top-level fields are read offline by tools. */
export interface RequestActorState {
  /** The request id (lower-case hex). */
  id: string;
  fsm: RequestState;
  /** RequestCreated applied. */
  created: boolean;
  sourceChainId: number;
  targetChainId?: number;
  amount?: Dec;
  /** Why the request was ignored, or why its next step is deferred. */
  reason?: string;
  /** The next money-moving step is waiting (not ignored): reason in `reason`. */
  deferred: boolean;
  history: HistoryEntry[];
  request?: RequestInfo;
  /** Ref keys of events already applied (idempotency). */
  seen: string[];
  /** Events that arrived before their request; applied once RequestCreated is. */
  early: { event: BridgeEvent; ref: EventRef }[];
  fill?: FillRecord;
  /** Our fill transaction as its receipt reported it. */
  ownFill?: { hash: Hex; blockNumber?: number };
  /** Our claim transaction, once mined (its ClaimMade may not be read yet). */
  ownClaimTx?: Hex;
  /** Allowance approved by our mined approve (views may not show it yet). */
  approved?: Dec;
  /** No further fill attempt (already filled by another LP, or attempts used up). */
  fillBlocked?: string;
  depositWithdrawn: boolean;
  l1Resolution?: { filler: Address; fillId: Hex };
  /** FillInvalidated seen on the target chain, by fill id. */
  invalidations: Record<string, { txHash: Hex; timestamp: number }>;
  /** Fill ids proven invalid on the source chain (FillInvalidatedResolved). */
  l1Invalidated: string[];
  /** Claims on this request, by claim id. */
  claims: Record<string, ClaimRecord>;
  /** Transactions sent and not yet answered, by SendTx id. */
  pending: Record<string, PendingTx>;
  /** Wall-clock ms before which a failed approve/fill/claim is not tried again. */
  retryAt?: number;
  /** Reverted attempts per step (approve, fill, claim); bounded by `maxTxAttempts`. */
  reverts?: Record<string, number>;
  /** Attempts per step (fill, claim, withdraw:<claimId>, approve). */
  attempts: Record<string, number>;
  /** Latest view per chain id the decisions read. */
  views: Record<string, ChainView>;
  policy: FillPolicy;
  /** Chain ids the router forwards views of. */
  subscribed: number[];
}

/** A fresh state for request `id`. */
export function initialRequestState(id: string): RequestActorState {
  return {
    id: id.toLowerCase(),
    fsm: "pending",
    created: false,
    sourceChainId: 0,
    deferred: false,
    history: [],
    seen: [],
    early: [],
    depositWithdrawn: false,
    invalidations: {},
    l1Invalidated: [],
    claims: {},
    pending: {},
    attempts: {},
    views: {},
    policy: { pausedChains: [], draining: false },
    subscribed: [],
  };
}

/** JSON → {@link ClaimGame}. */
export function gameFromJson(g: GameJson): ClaimGame {
  const stakes: Record<Address, bigint> = {};
  for (const [k, v] of Object.entries(g.challengerStakes)) stakes[k as Address] = BigInt(v);
  return {
    claimer: g.claimer,
    claimerStake: BigInt(g.claimerStake),
    challengerStakes: stakes,
    lastChallenger: g.lastChallenger,
    challengerStakeTotal: BigInt(g.challengerStakeTotal),
    termination: g.termination,
    fillId: g.fillId,
  };
}

/** {@link ClaimGame} → JSON. */
export function gameToJson(g: ClaimGame): GameJson {
  const stakes: Record<string, Dec> = {};
  for (const [k, v] of Object.entries(g.challengerStakes)) stakes[k] = String(v);
  return {
    claimer: g.claimer,
    claimerStake: String(g.claimerStake),
    challengerStakes: stakes,
    lastChallenger: g.lastChallenger,
    challengerStakeTotal: String(g.challengerStakeTotal),
    termination: g.termination,
    fillId: g.fillId,
  };
}

/**
 * Whether a view counts as fresh: the RPC answers, the view was taken within `maxViewLag`
 * seconds of wall time, and the delivered logs trail the head by at most `maxBlockLag` blocks.
 * Returns the reason when not.
 */
export function staleReason(
  settings: AgentSettings,
  view: ChainView | undefined,
  chainId: number,
  nowMs: number,
): string | undefined {
  if (!view) return `no view of chain ${chainId} yet`;
  if (!view.rpcOk) return `chain ${chainId}: RPC not answering`;
  const c = settings.chains[String(chainId)];
  const lagS = c?.maxViewLag ?? 30;
  // reasons carry no changing numbers: a status is reported each time a reason changes
  if (nowMs - view.at > lagS * 1000) return `chain ${chainId}: view older than ${lagS} s`;
  const maxBlocks = c?.maxBlockLag ?? 2;
  if (view.head - view.synced > maxBlocks) {
    return `chain ${chainId}: logs trail the head by more than ${maxBlocks} blocks`;
  }
  return undefined;
}

/** The view the fill guard reads, or why it cannot be built yet (temporary). */
export function fillViewOf(
  s: RequestActorState,
  settings: AgentSettings,
  nowMs: number,
): { view: FillView } | { missing: string } {
  const r = s.request!;
  const target = s.targetChainId!;
  const src = s.views[String(s.sourceChainId)];
  const tgt = s.views[String(target)];
  if (!src?.params) return { missing: `no contract parameters of chain ${s.sourceChainId} yet` };
  if (!tgt?.params) return { missing: `no contract parameters of chain ${target} yet` };
  const chainsConfigured = settings.chains[String(s.sourceChainId)] !== undefined &&
    settings.chains[String(target)] !== undefined;
  const srcToken = tokenOf(settings, s.sourceChainId, r.sourceToken);
  const tgtToken = tokenOf(settings, target, r.targetToken);
  const tokenConfigured = srcToken !== undefined && tgtToken !== undefined &&
    srcToken.class === tgtToken.class;
  const amount = BigInt(r.amount);
  const policy = tgtToken ? settings.tokenPolicy[tgtToken.class] : undefined;
  const balances = tgt.tokens[r.targetToken.toLowerCase()] ?? { balance: "0", allowance: "0" };
  const allowance = BigInt(balances.allowance);
  const approved = s.approved ? BigInt(s.approved) : 0n;
  const fresh = staleReason(settings, src, s.sourceChainId, nowMs) === undefined &&
    staleReason(settings, tgt, target, nowMs) === undefined;
  return {
    view: {
      chainsConfigured,
      tokenConfigured,
      lpWhitelisted: src.params.lpAllowedOnRequestManager && tgt.params.lpAllowedOnFillManager,
      viewFresh: fresh,
      validUntil: r.validUntil,
      targetChainTime: tgt.timestamp,
      sourceChainTime: src.timestamp,
      wallClock: Math.floor(nowMs / 1000),
      unsafeFillTime: settings.unsafeFillTime,
      amount,
      lpFee: BigInt(r.lpFee),
      minLpFee: settings.minFeePpm > 0
        ? amount * BigInt(settings.minFeePpm) / 1_000_000n
        : undefined,
      maxAmount: policy?.maxAmount !== undefined ? BigInt(policy.maxAmount) : undefined,
      tokenBalance: BigInt(balances.balance),
      reserve: BigInt(policy?.reserveBalance ?? "0"),
      sourceNativeBalance: BigInt(src.nativeBalance),
      minSourceBalance: BigInt(settings.chains[String(s.sourceChainId)]?.minSourceBalance ?? "0"),
      configuredAllowance: tgtToken === undefined || tgtToken.allowance === "request"
        ? undefined
        : tgtToken.allowance === "max"
        ? "max"
        : BigInt(tgtToken.allowance),
      currentAllowance: allowance > approved ? allowance : approved,
    },
  };
}

/** The view the claim decisions of `lib/fsm/strategy.ts` read for one claim. */
export function claimViewOf(
  s: RequestActorState,
  c: ClaimRecord,
  settings: AgentSettings,
  nowMs: number,
): ClaimDecisionView {
  const src = s.views[String(s.sourceChainId)];
  const target = s.targetChainId ?? 0;
  const l1 = s.views[String(settings.l1ChainId)];
  const finality = src?.params?.finalityPeriods[String(target)];
  const game = gameFromJson(c.game);
  const inv = s.invalidations[c.game.fillId.toLowerCase()];
  return {
    agent: settings.lp,
    state: c.fsm,
    game,
    claimStake: BigInt(src?.params?.claimStake ?? "0"),
    l1Cost: l1CostFromGasPrice(BigInt(l1?.gasPrice ?? settings.defaultL1GasPrice)),
    fill: s.fill
      ? {
        filler: s.fill.filler,
        fillId: s.fill.fillId,
        txHash: s.fill.txHash,
        timestamp: s.fill.timestamp,
      }
      : undefined,
    invalidation: inv,
    l1Resolution: s.l1Resolution,
    targetFinalityPeriod: finality ?? 0,
    sourceChainTime: src?.timestamp ?? 0,
    targetChainTime: s.views[String(target)]?.timestamp ?? 0,
    wallClock: Math.floor(nowMs / 1000),
    challengeBackOffUntil: c.backOffUntil,
    transactionPending: c.txPending,
    resolutionInFlight: c.resolutionInFlight,
    withdrawnByUs: c.withdrawnByUs,
    fresh: {
      // without the finality period no proof can be judged final: treat as not fresh
      source: finality !== undefined && src?.params !== undefined &&
        staleReason(settings, src, s.sourceChainId, nowMs) === undefined,
      target: staleReason(settings, s.views[String(target)], target, nowMs) === undefined,
    },
  };
}

/**
 * The chaos run's figures, computed from chain state ({@link ChainSnapshot}) and the coordinator's
 * store — never from the agent's own records. Every definition is in docs/CHAOS.md; the JSDoc of
 * {@link ChaosFigures} repeats them in short.
 *
 * @module
 */
import type { Hex } from "viem";
import type { CoordinatorStore, StoredMessage } from "../../lib/coordinator/store.ts";
import type { TrafficKind } from "../devnet/traffic.ts";
import type { Address } from "../devnet/types.ts";
import { type ChainSnapshot, key, type ScannedClaim } from "./chain_scan.ts";

/** One planned request: its id and what it was meant to exercise. */
export interface PlannedRequest {
  requestId: Hex;
  kind: TrafficKind;
}

/** The message-level figures read from the coordinator's store. */
export interface LinkFigures {
  /** Seqs missing inside a stored stream + seqs the agent said were acked but the store lacks
   * + requests our LP filled with no stored `request` status (one whose id holds the request id). */
  lostMessages: number;
  /** Stored status messages repeating an earlier one (same kind, id, state, at), any stream. */
  duplicateMessages: number;
  /** Sequenced messages stored for the agent, all streams. */
  storedMessages: number;
  /** Streams the agent used (a new stream after a lost outbox, or none at all). */
  streams: number;
}

/** The figures printed at the end of a chaos run. */
export interface ChaosFigures {
  /** Requests created on the rollups (RequestCreated), planned ones only. */
  requests: number;
  /** Planned requests with a RequestFilled by our LP. */
  filled: number;
  /** Planned requests filled by the other LP. */
  filledByOther: number;
  /** Planned requests whose deposit was paid out (DepositWithdrawn, to anyone). */
  withdrawn: number;
  /** Planned requests whose deposit was paid to our LP. */
  withdrawnByUs: number;
  /** Requests our LP sent more than one mined fillRequest for (successful or reverted), or with
   * more than one RequestFilled by our LP. */
  doubleFills: number;
  /** Fillable requests filled by nobody. */
  missedFills: number;
  /** Refusal-kind requests our LP filled. */
  wrongFills: number;
  /** Our LP's mined transactions with status 0, every chain. */
  revertedTxs: number;
  /** Claims backed by a real fill (RequestFilled with the claimer as filler and the claim's fill
   * id) that our LP challenged. */
  honestClaimsChallenged: number;
  /** Claims by others without a matching fill, on planned requests, never challenged by our LP
   * and not disproven on chain (resolved to another fill, or the fill id invalidated). */
  falseClaimsUnchallenged: number;
  /** False claims by others on planned requests (how many the run exercised). */
  falseClaims: number;
  /** Honest claims by others on planned requests. */
  honestClaimsByOthers: number;
  /** Claims by our LP not backed by its own fill (reported, not judged). */
  ourFalseClaims: number;
  /** See {@link LinkFigures}; -1 when the link was not checked. */
  lostMessages: number;
  /** See {@link LinkFigures}; -1 when the link was not checked. */
  duplicateMessages: number;
  /** Longest SIGTERM-to-exit time measured, ms. */
  maxShutdownMs: number;
}

/** The figures that must be zero for a pass. */
export const MUST_BE_ZERO = [
  "doubleFills",
  "missedFills",
  "wrongFills",
  "honestClaimsChallenged",
  "falseClaimsUnchallenged",
  "lostMessages",
  "duplicateMessages",
] as const;

/** Upper bound (exclusive) of {@link ChaosFigures.maxShutdownMs} for a pass. */
export const MAX_SHUTDOWN_MS = 2000;

/** Whether a claim is backed by a fill on the request's target rollup, by the claimer, with the
 * claim's fill id. */
export function isHonestClaim(snap: ChainSnapshot, claim: ScannedClaim): boolean {
  const request = snap.requests.get(key(claim.requestId));
  return snap.fills.some((f) =>
    key(f.requestId) === key(claim.requestId) &&
    (request === undefined || f.targetChainId === request.targetChainId) &&
    key(f.filler) === key(claim.claimer) &&
    key(f.fillId) === key(claim.fillId)
  );
}

/** Whether the chain itself disproved a claim: the request resolved to a different (filler,
 * fill id), or the claim's fill id invalidated on the source rollup. */
export function isDisproven(snap: ChainSnapshot, claim: ScannedClaim): boolean {
  const resolvedOther = snap.resolved.some((r) =>
    r.sourceChainId === claim.sourceChainId && key(r.requestId) === key(claim.requestId) &&
    (key(r.filler) !== key(claim.claimer) || key(r.fillId) !== key(claim.fillId))
  );
  const invalidated = snap.invalidated.some((i) =>
    i.sourceChainId === claim.sourceChainId && key(i.requestId) === key(claim.requestId) &&
    key(i.fillId) === key(claim.fillId)
  );
  return resolvedOther || invalidated;
}

/**
 * Computes every chain figure for `lp`, given the traffic plan.
 *
 * @example
 * const figures = computeFigures(snapshot, { lp, plan, maxShutdownMs: 640, link });
 */
export function computeFigures(
  snap: ChainSnapshot,
  o: { lp: Address; plan: PlannedRequest[]; maxShutdownMs: number; link?: LinkFigures },
): ChaosFigures {
  const lp = key(o.lp);
  const planned = new Map(o.plan.map((p) => [key(p.requestId), p]));
  const fillsBy = (requestId: string, who?: string) =>
    snap.fills.filter((f) =>
      key(f.requestId) === requestId && (who === undefined || key(f.filler) === who)
    );
  const ours = (id: string) => fillsBy(id).filter((f) => key(f.filler) === lp);
  const byOthers = (id: string) => fillsBy(id).filter((f) => key(f.filler) !== lp);

  const fillAttempts = new Map<string, number>();
  for (const tx of snap.accountTxs) {
    if (tx.fillRequestId === undefined) continue;
    const id = key(tx.fillRequestId);
    fillAttempts.set(id, (fillAttempts.get(id) ?? 0) + 1);
  }

  let requests = 0, filled = 0, filledByOther = 0, withdrawn = 0, withdrawnByUs = 0;
  let doubleFills = 0, missedFills = 0, wrongFills = 0;
  for (const [id, p] of planned) {
    if (snap.requests.has(id)) requests++;
    const mine = ours(id).length;
    if (mine > 0) filled++;
    if (byOthers(id).length > 0) filledByOther++;
    const deposits = snap.depositsWithdrawn.filter((d) => key(d.requestId) === id);
    if (deposits.length > 0) withdrawn++;
    if (deposits.some((d) => key(d.receiver) === lp)) withdrawnByUs++;
    if (mine > 1 || (fillAttempts.get(id) ?? 0) > 1) doubleFills++;
    if (p.kind === "fillable" && fillsBy(id).length === 0) missedFills++;
    if (p.kind !== "fillable" && mine > 0) wrongFills++;
  }

  let honestClaimsChallenged = 0, falseClaimsUnchallenged = 0, falseClaims = 0;
  let honestClaimsByOthers = 0, ourFalseClaims = 0;
  for (const claim of snap.claims.values()) {
    const weChallenged = [...claim.challengers].some((a) => key(a) === lp);
    const honest = isHonestClaim(snap, claim);
    if (honest && weChallenged) honestClaimsChallenged++;
    if (key(claim.claimer) === lp && !honest) ourFalseClaims++;
    if (key(claim.claimer) === lp || !planned.has(key(claim.requestId))) continue;
    if (honest) {
      honestClaimsByOthers++;
      continue;
    }
    falseClaims++;
    if (!weChallenged && !isDisproven(snap, claim)) falseClaimsUnchallenged++;
  }

  return {
    requests,
    filled,
    filledByOther,
    withdrawn,
    withdrawnByUs,
    doubleFills,
    missedFills,
    wrongFills,
    revertedTxs: snap.accountTxs.filter((t) => t.status === "reverted").length,
    honestClaimsChallenged,
    falseClaimsUnchallenged,
    falseClaims,
    honestClaimsByOthers,
    ourFalseClaims,
    lostMessages: o.link?.lostMessages ?? -1,
    duplicateMessages: o.link?.duplicateMessages ?? -1,
    maxShutdownMs: o.maxShutdownMs,
  };
}

/** The figures that failed, as `name=value` strings; empty on a pass. */
export function failures(f: ChaosFigures, o: { linkChecked: boolean }): string[] {
  const out: string[] = [];
  for (const name of MUST_BE_ZERO) {
    if (!o.linkChecked && (name === "lostMessages" || name === "duplicateMessages")) continue;
    if (f[name] !== 0) out.push(`${name}=${f[name]}`);
  }
  if (!(f.maxShutdownMs >= 0 && f.maxShutdownMs < MAX_SHUTDOWN_MS)) {
    out.push(`maxShutdownMs=${f.maxShutdownMs}`);
  }
  return out;
}

/**
 * Message figures of one agent from the coordinator's store: gaps inside each stored stream,
 * acked-but-missing seqs (the record's `lost`), repeated status messages, and requests our LP
 * filled that have no stored `request` status at all.
 *
 * @example
 * const link = await linkFigures(store, "lp-1", filledRequestIds);
 */
export async function linkFigures(
  store: CoordinatorStore,
  agentId: string,
  filledRequestIds: string[],
): Promise<LinkFigures> {
  const record = await store.agent(agentId);
  const streams = new Map<string, StoredMessage[]>();
  for await (
    const e of store.kv.list<StoredMessage>({ prefix: [...store.prefix, "msg", agentId] })
  ) {
    const streamId = String(e.key[store.prefix.length + 2]);
    let list = streams.get(streamId);
    if (!list) streams.set(streamId, list = []);
    list.push(e.value);
  }
  let gaps = 0, duplicates = 0, stored = 0;
  const reported = new Set<string>();
  // Repeats are counted across streams too: a report is a duplicate wherever it shows up again.
  const seen = new Set<string>();
  for (const messages of streams.values()) {
    messages.sort((a, b) => a.seq - b.seq);
    stored += messages.length;
    // Seqs of a stream start at 1 and the store only accepts the next one: any hole is a loss.
    let expected = 1;
    for (const m of messages) {
      if (m.seq > expected) gaps += m.seq - expected;
      expected = m.seq + 1;
      if (m.type !== "status") continue;
      const b = m.body as {
        kind?: string;
        id?: string;
        state?: string;
        at?: string;
        details?: unknown;
      };
      // The same report twice: every field equal (two changes in one millisecond differ in
      // their details, e.g. a new deferral reason).
      const k = JSON.stringify([b.kind, b.id, b.state, b.at, b.details]);
      if (seen.has(k)) duplicates++;
      seen.add(k);
      if (b.kind === "request" && typeof b.id === "string") {
        // The id may be the bare request id or carry a prefix (e.g. the chain id).
        for (const hex of b.id.match(/0x[0-9a-fA-F]{64}/g) ?? [b.id]) reported.add(key(hex));
      }
    }
  }
  const unreported = filledRequestIds.filter((id) => !reported.has(key(id))).length;
  return {
    lostMessages: gaps + (record?.lost ?? 0) + unreported,
    duplicateMessages: duplicates,
    storedMessages: stored,
    streams: streams.size,
  };
}

/** Request ids our LP filled (RequestFilled with our LP as filler), for {@link linkFigures}. */
export function filledByUs(snap: ChainSnapshot, lp: Address): Hex[] {
  return snap.fills.filter((f) => key(f.filler) === key(lp)).map((f) => f.requestId);
}

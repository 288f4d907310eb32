/**
 * How a decoded bridge event changes a RequestActor's state: the request and claim machines of
 * `lib/fsm/` driven by RequestCreated, RequestFilled, ClaimMade, … Pure; the actor decides what
 * to send afterwards.
 *
 * @module
 */

import { sameAddress } from "../fsm/address.ts";
import { applyClaim, type ClaimTrigger } from "../fsm/claim.ts";
import { applyClaimMade, claimGameFromClaimMade } from "../fsm/game.ts";
import { applyRequest, type RequestTrigger } from "../fsm/request.ts";
import { challengeBackOff, contestedStateOf, withdrawalEndsOurInterest } from "../fsm/strategy.ts";
import type { Address, BridgeEvent, EventRef, Hex } from "./messages.ts";
import {
  type ClaimRecord,
  claimViewOf,
  gameFromJson,
  gameToJson,
  type RequestActorState,
} from "./request_state.ts";
import type { AgentSettings } from "./settings.ts";

/** Where a state change came from, for the history. */
export interface ChangeInfo {
  block?: number;
  tx?: string;
  reason?: string;
}

/** Applies a request trigger; a refused one leaves the state as it is. */
export function moveRequest(
  s: RequestActorState,
  trigger: RequestTrigger,
  info: ChangeInfo,
  nowMs: number,
): RequestActorState {
  const r = applyRequest(s.fsm, trigger);
  if (!r.ok) return s;
  const changed = r.state !== s.fsm;
  return {
    ...s,
    fsm: r.state,
    reason: trigger === "ignore" ? info.reason : changed ? undefined : s.reason,
    deferred: changed ? false : s.deferred,
    history: changed || trigger === "ignore"
      ? [...s.history, { state: r.state, at: new Date(nowMs).toISOString(), ...info }]
      : s.history,
  };
}

/** Applies a claim trigger; a refused one leaves the claim as it is. */
export function moveClaim(
  c: ClaimRecord,
  trigger: ClaimTrigger,
  info: ChangeInfo,
  nowMs: number,
): ClaimRecord {
  const r = applyClaim(c.fsm, trigger);
  if (!r.ok || r.state === c.fsm) return c;
  return {
    ...c,
    fsm: r.state,
    history: [...c.history, { state: r.state, at: new Date(nowMs).toISOString(), ...info }],
  };
}

/** After a start or a ClaimMade: bring the claim machine to the side that leads the game. */
export function syncLead(c: ClaimRecord, info: ChangeInfo, nowMs: number): ClaimRecord {
  if (c.fsm !== "claimer_winning" && c.fsm !== "challenger_winning") return c;
  return contestedStateOf(gameFromJson(c.game)) === c.fsm
    ? c
    : moveClaim(c, "challenge", info, nowMs);
}

const withClaim = (s: RequestActorState, c: ClaimRecord): RequestActorState => ({
  ...s,
  claims: { ...s.claims, [c.claimId]: c },
});

/**
 * Applies one event to a created request (RequestCreated itself included). Events for a request
 * not yet created are kept by the caller in `early`.
 */
export function applyEvent(
  s: RequestActorState,
  event: BridgeEvent,
  ref: EventRef,
  settings: AgentSettings,
  nowMs: number,
): RequestActorState {
  const info: ChangeInfo = { block: ref.blockNumber, tx: ref.txHash };
  switch (event.type) {
    case "RequestCreated":
      return {
        ...s,
        created: true,
        sourceChainId: ref.chainId,
        targetChainId: event.targetChainId,
        amount: event.amount,
        request: {
          sourceToken: event.sourceToken,
          targetToken: event.targetToken,
          sourceAddress: event.sourceAddress,
          targetAddress: event.targetAddress,
          amount: event.amount,
          nonce: event.nonce,
          validUntil: event.validUntil,
          lpFee: event.lpFee,
          key: ref.key,
        },
        history: [...s.history, {
          state: s.fsm,
          at: new Date(nowMs).toISOString(),
          ...info,
          reason: "created",
        }],
      };
    case "RequestFilled": {
      const fill = {
        filler: event.filler.toLowerCase() as Address,
        fillId: event.fillId,
        txHash: ref.txHash,
        timestamp: ref.timestamp,
        key: ref.key,
      };
      const next = moveRequest({ ...s, fill }, "fill", info, nowMs);
      // another LP's fill ends our own attempts; our own fill needs nothing more
      return sameAddress(fill.filler, settings.lp) ? next : {
        ...next,
        fillBlocked: next.fillBlocked ?? `filled by ${fill.filler}`,
      };
    }
    case "FillInvalidated": {
      const key = event.fillId.toLowerCase();
      let next: RequestActorState = {
        ...s,
        invalidations: {
          ...s.invalidations,
          [key]: { txHash: ref.txHash, timestamp: ref.timestamp },
        },
      };
      for (const c of Object.values(next.claims)) {
        if (c.game.fillId.toLowerCase() === key && c.fsm !== "started") {
          next = withClaim(next, moveClaim(c, "start_challenge", info, nowMs));
        }
      }
      return next;
    }
    case "ClaimMade":
      return applyClaimMadeEvent(s, event, ref, settings, nowMs);
    case "ClaimStakeWithdrawn": {
      const c = s.claims[event.claimId];
      if (!c) return s;
      const byUs = sameAddress(event.stakeRecipient, settings.lp);
      let nc: ClaimRecord = { ...c, txPending: false, withdrawnByUs: c.withdrawnByUs || byUs };
      if (withdrawalEndsOurInterest(claimViewOf(s, nc, settings, nowMs), event.stakeRecipient)) {
        nc = moveClaim(nc, "withdraw", info, nowMs);
      }
      return withClaim(s, nc);
    }
    case "DepositWithdrawn":
      return moveRequest({ ...s, depositWithdrawn: true }, "withdraw", info, nowMs);
    case "RequestResolved":
      return moveRequest(
        { ...s, l1Resolution: { filler: event.filler, fillId: event.fillId } },
        "l1_resolve",
        info,
        nowMs,
      );
    case "FillInvalidatedResolved": {
      const key = event.fillId.toLowerCase();
      let next: RequestActorState = {
        ...s,
        l1Invalidated: s.l1Invalidated.includes(key) ? s.l1Invalidated : [...s.l1Invalidated, key],
      };
      for (const c of Object.values(next.claims)) {
        if (c.game.fillId.toLowerCase() !== key) continue;
        let nc = c.fsm === "started" ? moveClaim(c, "start_challenge", info, nowMs) : c;
        nc = moveClaim({ ...nc, resolutionInFlight: false }, "l1_invalidate", info, nowMs);
        next = withClaim(next, nc);
      }
      return next;
    }
  }
}

function applyClaimMadeEvent(
  s: RequestActorState,
  event: Extract<BridgeEvent, { type: "ClaimMade" }>,
  ref: EventRef,
  settings: AgentSettings,
  nowMs: number,
): RequestActorState {
  const info: ChangeInfo = { block: ref.blockNumber, tx: ref.txHash };
  const update = {
    claimerStake: BigInt(event.claimerStake),
    lastChallenger: event.lastChallenger,
    challengerStakeTotal: BigInt(event.challengerStakeTotal),
    termination: event.termination,
  };
  const known = s.claims[event.claimId];
  if (known) {
    const r = applyClaimMade(gameFromJson(known.game), update);
    if (!r.ok) return s;
    const nc = syncLead(
      { ...known, game: gameToJson(r.game), txPending: false, moves: known.moves + 1 },
      info,
      nowMs,
    );
    return withClaim(s, nc);
  }
  const g = claimGameFromClaimMade({
    ...update,
    claimer: event.claimer,
    fillId: event.fillId as Hex,
  });
  // a later move of a claim whose start we have not seen: keep it until the start arrives
  if (!g.ok) return { ...s, early: [...s.early, { event, ref }] };
  const claim: ClaimRecord = {
    claimId: event.claimId,
    requestId: s.id as Hex,
    fsm: "started",
    claimer: event.claimer.toLowerCase() as Address,
    game: gameToJson(g.game),
    history: [{ state: "started", at: new Date(nowMs).toISOString(), ...info }],
    backOffUntil: challengeBackOff(
      Math.floor(nowMs / 1000),
      s.fill !== undefined,
      settings.fillWaitTime,
    ),
    txPending: false,
    moves: 1,
    withdrawnByUs: false,
    resolutionInFlight: false,
    key: ref.key,
  };
  let next = withClaim(s, claim);
  if (sameAddress(event.claimer, settings.lp)) {
    next = moveRequest(next, "try_to_claim", info, nowMs);
  }
  return next;
}

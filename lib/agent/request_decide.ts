/**
 * The decisions of a RequestActor after every message: fill, claim, and the next step of every
 * claim on the request (invalidate, challenge or defend, resolve on L1, withdraw), each behind
 * the guards of `lib/fsm/`. Also how a transaction's outcome maps back onto the state. Pure.
 *
 * @module
 */

import { sameAddress } from "../fsm/address.ts";
import { canClaim, canFill } from "../fsm/request_guards.ts";
import { nextClaimStep } from "../fsm/claim_step.ts";
import { proofOf } from "../fsm/strategy.ts";
import {
  approveData,
  challengeClaimData,
  claimRequestData,
  fillRequestData,
  invalidateFillData,
  sendTx,
  txIds,
  withdrawData,
} from "./calls.ts";
import type { Address, Hex, SendTx, TxOutcome } from "./messages.ts";
import { moveClaim, moveRequest, syncLead } from "./request_events.ts";
import {
  type ClaimRecord,
  claimViewOf,
  fillViewOf,
  type RequestActorState,
  staleReason,
} from "./request_state.ts";
import type { AgentSettings } from "./settings.ts";

/** What {@link decide} wants done. */
export interface Decision {
  state: RequestActorState;
  /** Transactions to send, with the chain whose TxSender sends them. */
  txs: { chainId: number; tx: SendTx }[];
  /** The request needs views now (something waits on balances, freshness or chain time). */
  needViews: boolean;
  /** Wall-clock ms of the earliest time-based step, if any. */
  wakeAt?: number;
}

/** Most history entries a request keeps (its snapshot must stay under KV's 64 KiB). */
const MAX_HISTORY = 64;

/** How long a request waits on an approval another request sent before sending its own. */
const APPROVAL_WAIT_MS = 120_000;

const hasPending = (s: RequestActorState, purpose: string) =>
  Object.values(s.pending).some((p) => p.purpose === purpose);

function defer(s: RequestActorState, reason: string): RequestActorState {
  return { ...s, deferred: true, reason };
}

/** Decides every step the request and its claims can take now. */
export function decide(
  s0: RequestActorState,
  settings: AgentSettings,
  self: string,
  nowMs: number,
): Decision {
  let s = s0;
  const txs: Decision["txs"] = [];
  let needViews = false;
  let wakeAt: number | undefined;
  const wake = (ms: number) => (wakeAt = wakeAt === undefined ? ms : Math.min(wakeAt, ms));
  if (!s.created || !s.request || s.targetChainId === undefined) {
    return { state: s, txs, needViews: false };
  }
  const r = s.request;
  const target = s.targetChainId;
  const src = s.views[String(s.sourceChainId)];
  const send = (
    chainId: number,
    key: string,
    id: string,
    purpose: SendTx["purpose"],
    to: Address,
    data: Hex,
    value = "0",
    claimId?: string,
    amount?: string,
  ) => {
    txs.push({ chainId, tx: sendTx(id, purpose, to, data, value, self) });
    s = {
      ...s,
      pending: { ...s.pending, [id]: { purpose, claimId, amount, sentAt: nowMs } },
      attempts: { ...s.attempts, [key]: (s.attempts[key] ?? 0) + 1 },
    };
  };
  const args = {
    sourceChainId: s.sourceChainId,
    targetToken: r.targetToken,
    targetAddress: r.targetAddress,
    amount: BigInt(r.amount),
    nonce: BigInt(r.nonce),
  };
  const targetChain = settings.chains[String(target)];

  // --- fill
  // The approval is shared by every request on that token: only the first sender hears its
  // outcome, so the others stop waiting once a view shows the allowance (or after a while).
  if (hasPending(s, "approve")) {
    const allowance = s.views[String(target)]?.tokens[r.targetToken.toLowerCase()]?.allowance;
    const covered = allowance !== undefined && BigInt(allowance) >= BigInt(r.amount);
    const pending = Object.fromEntries(
      Object.entries(s.pending).filter(([, p]) =>
        p.purpose !== "approve" || !(covered || nowMs - p.sentAt > APPROVAL_WAIT_MS)
      ),
    );
    if (Object.keys(pending).length !== Object.keys(s.pending).length) s = { ...s, pending };
  }
  // after a failed or reverted transaction the next attempt waits (s.retryAt)
  const retryLater = s.retryAt !== undefined && nowMs < s.retryAt;
  if (retryLater) wake(s.retryAt!);
  if (
    s.fsm === "pending" && !s.fillBlocked && !s.ownFill && !hasPending(s, "fill") &&
    !hasPending(s, "approve") && !retryLater
  ) {
    const fv = fillViewOf(s, settings, nowMs);
    if (s.policy.draining) {
      s = moveRequest(s, "ignore", { reason: "draining" }, nowMs);
    } else if ("missing" in fv) {
      s = defer(s, fv.missing);
      needViews = true;
    } else {
      const d = canFill(fv.view);
      if (!d.ok && d.final) {
        s = moveRequest(s, "ignore", { reason: d.reason }, nowMs);
      } else if (s.policy.pausedChains.includes(target)) {
        s = defer(s, `chain ${target} paused by the operator`);
        needViews = true;
      } else if (!d.ok) {
        const detail = d.reason === "stale_view"
          ? `: ${
            staleReason(settings, src, s.sourceChainId, nowMs) ??
              staleReason(settings, s.views[String(target)], target, nowMs)
          }`
          : "";
        s = defer(s, `${d.reason}${detail}`);
        needViews = true;
      } else if (!targetChain) {
        s = moveRequest(s, "ignore", { reason: "chain_not_configured" }, nowMs);
      } else if (d.approve !== undefined) {
        const n = s.attempts.approve ?? 0;
        send(
          target,
          "approve",
          txIds.approve(target, r.targetToken, n),
          "approve",
          r.targetToken,
          approveData(targetChain.fillManager, d.approve),
          "0",
          undefined,
          String(d.approve),
        );
        s = { ...s, deferred: false, reason: undefined };
      } else {
        const n = s.attempts.fill ?? 0;
        send(
          target,
          "fill",
          txIds.fill(s.id, n),
          "fill",
          targetChain.fillManager,
          fillRequestData(args),
        );
        s = { ...s, deferred: false, reason: undefined };
      }
    }
  }

  // --- claim our fill
  const ownClaim = Object.values(s.claims).some((c) => sameAddress(c.claimer, settings.lp));
  const ourFill = s.fill !== undefined && sameAddress(s.fill.filler, settings.lp);
  // l1_resolved too: where proofs travel fast (the devnet relay) the resolution of our fill can
  // arrive before our claim; it still has to be claimed to collect the deposit
  const claimable = s.fsm === "filled" ||
    (s.fsm === "l1_resolved" && sameAddress(s.l1Resolution?.filler, settings.lp));
  if (
    claimable && ourFill && !ownClaim && !s.ownClaimTx && !hasPending(s, "claim") &&
    !retryLater && (s.reverts?.claim ?? 0) < settings.maxTxAttempts
  ) {
    const srcChain = settings.chains[String(s.sourceChainId)];
    if (!src?.params || !srcChain) {
      s = defer(s, `no contract parameters of chain ${s.sourceChainId} yet`);
      needViews = true;
    } else {
      const d = canClaim({
        agent: settings.lp,
        filler: s.fill?.filler,
        fillId: s.fill?.fillId,
        validUntil: r.validUntil,
        claimRequestExtension: src.params.claimRequestExtension,
        sourceChainTime: src.timestamp,
        depositWithdrawn: s.depositWithdrawn,
        viewFresh: staleReason(settings, src, s.sourceChainId, nowMs) === undefined,
        nativeBalance: BigInt(src.nativeBalance),
        claimStake: BigInt(src.params.claimStake),
      });
      if (d.ok) {
        const n = s.attempts.claim ?? 0;
        send(
          s.sourceChainId,
          "claim",
          txIds.claim(s.id, n),
          "claim",
          srcChain.requestManager,
          claimRequestData(s.id as Hex, d.fillId),
          src.params.claimStake,
        );
        s = { ...s, deferred: false, reason: undefined };
      } else if (d.reason === "claim_window_closed") {
        s = moveRequest(s, "ignore", { reason: d.reason }, nowMs);
      } else if (!d.final) {
        const detail = d.reason === "stale_view"
          ? `: ${staleReason(settings, src, s.sourceChainId, nowMs)}`
          : "";
        s = defer(s, `claim: ${d.reason}${detail}`);
        needViews = true;
      }
    }
  }

  // --- claims
  for (const id of Object.keys(s.claims)) {
    let c: ClaimRecord = s.claims[id];
    for (let i = 0; i < 4; i++) {
      const view = claimViewOf(s, c, settings, nowMs);
      const step = nextClaimStep(view);
      if (step.kind === "trigger") {
        const moved = syncLead(moveClaim(c, step.trigger, {}, nowMs), {}, nowMs);
        if (moved === c) break;
        c = moved;
        continue;
      }
      if (step.kind === "invalidate") {
        const txId = txIds.invalidate(s.id, c.game.fillId);
        if (!s.pending[txId] && !(s.attempts[txId] ?? 0) && targetChain) {
          send(
            target,
            txId,
            txId,
            "invalidate",
            targetChain.fillManager,
            invalidateFillData(args, c.game.fillId),
          );
        }
        c = syncLead(moveClaim(c, "start_challenge", {}, nowMs), {}, nowMs);
        continue;
      }
      if (step.kind === "withdraw") {
        const key = `withdraw:${c.claimId}`;
        const srcChain = settings.chains[String(s.sourceChainId)];
        // only reverts count against the limit: a transaction that never got in is sent again
        const withdrawing = Object.values(s.pending).some((p) =>
          p.purpose === "withdraw" && p.claimId === c.claimId
        );
        if (
          srcChain && !withdrawing && !retryLater &&
          (s.reverts?.[key] ?? 0) < settings.maxTxAttempts
        ) {
          send(
            s.sourceChainId,
            key,
            txIds.withdraw(c.claimId, s.attempts[key] ?? 0),
            "withdraw",
            srcChain.requestManager,
            withdrawData(BigInt(c.claimId)),
            "0",
            c.claimId,
          );
          c = { ...c, txPending: true, reason: `withdraw as ${step.as}` };
        }
        break;
      }
      if (step.kind === "challenge") {
        const srcChain = settings.chains[String(s.sourceChainId)];
        const key = txIds.challenge(c.claimId, c.moves);
        // a new id per attempt (the sender answers a known id with its first outcome); only
        // reverts count against the limit
        const tries = s.attempts[key] ?? 0;
        const txId = tries === 0 ? key : `${key}:${tries}`;
        const challenging = Object.values(s.pending).some((p) =>
          p.purpose === "challenge" && p.claimId === c.claimId
        );
        if (
          srcChain && !challenging && !retryLater &&
          (s.reverts?.[key] ?? 0) < settings.maxTxAttempts
        ) {
          send(
            s.sourceChainId,
            key,
            txId,
            "challenge",
            srcChain.requestManager,
            challengeClaimData(BigInt(c.claimId)),
            String(step.stake),
            c.claimId,
          );
          c = { ...c, txPending: true, reason: `challenge with ${step.stake} wei` };
        }
        break;
      }
      if (step.kind === "resolve") {
        c = settings.l1Relay === "devnet"
          ? { ...c, resolutionInFlight: true, reason: `L1 resolution (${step.proof}): relay` }
          : {
            ...c,
            reason: `L1 resolution (${step.proof} proof ${step.txHash}) needed: relaying over ` +
              "real rollup bridges is not supported",
          };
        break;
      }
      if (step.kind === "wait") {
        c = { ...c, reason: step.reason };
        // a stale view needs views; a wait on time arms the timer; anything else (a move of
        // the other side, our own transaction, a proof event) arrives as an event
        const t = timeBasedWake(step.reason, view, nowMs);
        // proof finality is also judged on the target chain's clock: when that runs ahead of
        // ours, the views bring the moment sooner than the wall-clock timer
        const targetAhead = (view.targetChainTime ?? 0) > view.wallClock + 1;
        const sourceAhead = view.sourceChainTime > view.wallClock + 1;
        if (/stale_view/.test(step.reason)) needViews = true;
        else if (/proof_not_final/.test(step.reason) && targetAhead) needViews = true;
        else if (/claim_not_terminated/.test(step.reason) && sourceAhead) needViews = true;
        if (t !== undefined) wake(t);
      }
      break;
    }
    if (c !== s.claims[id]) s = { ...s, claims: { ...s.claims, [id]: c } };
  }
  // Waiting on an approval (ours, or another request's with the same id): watch the allowance
  // in the views, and send our own after a while.
  if (hasPending(s, "approve")) {
    needViews = true;
    const sent = Math.min(
      ...Object.values(s.pending).filter((p) => p.purpose === "approve").map((p) => p.sentAt),
    );
    wake(sent + APPROVAL_WAIT_MS + 1);
  }
  return { state: s, txs, needViews, wakeAt };
}

/** Wall-clock ms at which a time-based wait ends, if the wait is only about time. */
function timeBasedWake(
  reason: string,
  view: ReturnType<typeof claimViewOf>,
  nowMs: number,
): number | undefined {
  if (/stale_view/.test(reason)) return undefined;
  if (/back_off/.test(reason)) return view.challengeBackOffUntil * 1000;
  if (/proof_not_final/.test(reason)) {
    const p = proofOf(view);
    if (p) return (p.timestamp + view.targetFinalityPeriod + 1) * 1000;
  }
  if (/claim_not_terminated/.test(reason)) {
    return nowMs + Math.max(1, view.game.termination - view.sourceChainTime) * 1000;
  }
  return undefined;
}

/** Reverts that mean the step is done or can never succeed (no retry). */
const FINAL_REVERTS: Record<string, RegExp> = {
  fill: /Already filled|Not allowed/,
  claim: /cannot be claimed anymore|Deposit already withdrawn|Not allowed/,
  withdraw: /Claim already withdrawn|nothing to withdraw/,
  challenge: /Claim expired|already resolved|already invalidated|Cannot challenge own claim/,
  invalidate: /Fill valid|current block/,
};

/** Applies the outcome of a transaction this request sent. Unknown ids are ignored. */
export function applyTxOutcome(
  s: RequestActorState,
  o: TxOutcome,
  settings: AgentSettings,
  nowMs: number,
): RequestActorState {
  const p = s.pending[o.id];
  if (!p) return s;
  const { [o.id]: _, ...pending } = s.pending;
  let next: RequestActorState = { ...s, pending };
  const info = { tx: o.hash, block: o.blockNumber, reason: o.reason };
  const finalRevert = o.status === "reverted" && (FINAL_REVERTS[o.purpose]?.test(o.reason ?? "") ??
    false);
  // A full sender ("busy") is not an event of the request: no history entry, so retries in a
  // burst cannot grow the snapshot. Otherwise the history keeps its first entries and the latest.
  const busy = o.status === "failed" && /^busy\b/.test(o.reason ?? "");
  const note = (reason: string) => {
    if (busy) return next;
    const history = [...next.history, {
      state: next.fsm,
      at: new Date(nowMs).toISOString(),
      ...info,
      reason,
    }];
    const trimmed = history.length > MAX_HISTORY
      ? [...history.slice(0, 8), ...history.slice(history.length - (MAX_HISTORY - 8))]
      : history;
    return { ...next, history: trimmed };
  };
  // a transaction that never got in (RPC, signer) is retried with back-off for as long as the
  // step is still right; one that reverted is retried at most maxTxAttempts times
  const retry = (purpose: string): RequestActorState => {
    const attempt = next.attempts[purpose] ?? 1;
    const reverts = { ...next.reverts };
    if (o.status === "reverted") reverts[purpose] = (reverts[purpose] ?? 0) + 1;
    // A sender that is only full ("busy") frees up within moments: come back soon, spread by
    // the request id so a burst does not return all at once. Anything else backs off.
    const delay = busy
      ? 200 + (parseInt(next.id.slice(-4), 16) || 0) % 800
      : Math.min(60_000, 5_000 * 2 ** Math.max(0, attempt - 1));
    return { ...next, reverts, retryAt: nowMs + delay };
  };
  const exhausted = (purpose: string) =>
    finalRevert || (next.reverts?.[purpose] ?? 0) >= settings.maxTxAttempts;
  switch (o.purpose) {
    case "approve":
      if (o.status === "mined") return { ...next, approved: p.amount, retryAt: undefined };
      next = retry("approve");
      next = note(`approve ${o.status}: ${o.reason ?? ""}`);
      if (exhausted("approve")) {
        next = { ...next, fillBlocked: `approve ${o.status}: ${o.reason ?? ""}` };
      }
      return next;
    case "fill":
      if (o.status === "mined") {
        return moveRequest(
          { ...next, ownFill: { hash: o.hash!, blockNumber: o.blockNumber }, retryAt: undefined },
          "try_to_fill",
          info,
          nowMs,
        );
      }
      next = retry("fill");
      next = note(`fill ${o.status}: ${o.reason ?? ""}`);
      if (exhausted("fill")) next = { ...next, fillBlocked: o.reason ?? o.status };
      return next;
    case "claim":
      // the ClaimMade may still be unread: the mined claim alone must stop any second claim
      if (o.status === "mined") {
        return moveRequest(
          { ...next, ownClaimTx: o.hash, retryAt: undefined },
          "try_to_claim",
          info,
          nowMs,
        );
      }
      next = retry("claim");
      next = note(`claim ${o.status}: ${o.reason ?? ""}`);
      if (/cannot be claimed anymore/.test(o.reason ?? "")) {
        next = moveRequest(next, "ignore", { ...info, reason: "claim_window_closed" }, nowMs);
      }
      return next;
    case "challenge":
    case "withdraw": {
      const c = p.claimId ? next.claims[p.claimId] : undefined;
      if (!c) return next;
      let nc: ClaimRecord = c;
      if (o.status !== "mined") {
        nc = { ...c, txPending: false, reason: `${o.purpose} ${o.status}: ${o.reason ?? ""}` };
        if (o.purpose === "withdraw" && finalRevert) nc = { ...nc, withdrawnByUs: true };
        // the attempt key of this claim step, for the revert count and the retry timer
        const key = o.purpose === "withdraw"
          ? `withdraw:${c.claimId}`
          : o.id.split(":").slice(0, 3).join(":");
        if (!finalRevert) next = retry(key);
        // a revert that can never succeed ends this step for good
        else next = { ...next, reverts: { ...next.reverts, [key]: settings.maxTxAttempts } };
      }
      return { ...next, claims: { ...next.claims, [c.claimId]: nc } };
    }
    case "invalidate":
      return o.status === "mined" ? next : note(`invalidate ${o.status}: ${o.reason ?? ""}`);
    default:
      return next;
  }
}

// Shared fixtures for the protocol-core tests: named accounts and a baseline decision view.
import type { Address, ClaimDecisionView, Hex } from "../../lib/fsm/mod.ts";

/** A deterministic address for a name, e.g. addr(1) = 0x…0001. */
export const addr = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}` as Address;

/** A deterministic 32-byte hash, e.g. hash(1) = 0x…01. */
export const hash = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}` as Hex;

export const agent = addr(0xa9e);
export const otherLp = addr(0x17);
export const alice = addr(0xa11ce);
export const bob = addr(0xb0b);
export const owner = addr(0x0e);

export const realFillId = hash(0xf111);
export const fakeFillId = hash(0xbad);

/**
 * A claim by `otherLp` quoting a fill id nobody made, on a request the agent saw no fill for;
 * unchallenged, in `claimer_winning`, back-off and finality long past, fresh view.
 */
export function baseView(over: Partial<ClaimDecisionView> = {}): ClaimDecisionView {
  return {
    agent,
    state: "claimer_winning",
    game: {
      claimer: otherLp,
      claimerStake: 100n,
      challengerStakes: {},
      lastChallenger: "0x0000000000000000000000000000000000000000",
      challengerStakeTotal: 0n,
      termination: 10_000,
      fillId: fakeFillId,
    },
    claimStake: 100n,
    l1Cost: 1_000n,
    invalidation: { txHash: hash(0x1e), timestamp: 1_000 },
    targetFinalityPeriod: 200,
    sourceChainTime: 5_000,
    wallClock: 5_000,
    challengeBackOffUntil: 1_000,
    transactionPending: false,
    fresh: { source: true, target: true },
    ...over,
  };
}

/**
 * The challenge game of one claim, as the RequestManager plays it: who leads, what a move must
 * stake, how a move changes the claim, and how per-challenger stakes are rebuilt from ClaimMade
 * events (the contract does not expose them). Pure; amounts are wei as bigint, times are
 * source-chain Unix seconds.
 *
 * @module
 */

import {
  type Address,
  addressKey,
  type Hex,
  isZeroAddress,
  sameAddress,
  ZERO_ADDRESS,
} from "./address.ts";

/** The state of one claim's game, mirroring the contract's `Claim` plus per-challenger stakes. */
export interface ClaimGame {
  /** The claimer named in the claim. */
  readonly claimer: Address;
  /** Total the claimer has staked (the initial claim stake plus every answer). */
  readonly claimerStake: bigint;
  /** Stake per challenger, keyed by lower-case address ({@link addressKey}). */
  readonly challengerStakes: Readonly<Record<Address, bigint>>;
  /** The challenger who moved last, or the zero address before the first challenge. */
  readonly lastChallenger: Address;
  /** Sum of all challenger stakes. */
  readonly challengerStakeTotal: bigint;
  /** Source-chain time (Unix s) from which the game is over. */
  readonly termination: number;
  /** The fill id the claimer quotes. */
  readonly fillId: Hex;
}

/** The two sides of a claim game. */
export type Side = "claimer" | "challengers";

/** Contract parameters a move depends on. */
export interface GameParams {
  /** `RequestManager.claimStake()`: exact claim stake, and the claimer's minimum lead. */
  readonly claimStake: bigint;
  /** `RequestManager.challengePeriodExtension()`, seconds. */
  readonly challengePeriodExtension: number;
  /** `chains[targetChainId].finalityPeriod` on the source RequestManager, seconds. */
  readonly targetFinalityPeriod: number;
}

/** A `challengeClaim` call: who sends how much, in a block with which timestamp. */
export interface Move {
  /** `msg.sender` of the call. */
  readonly sender: Address;
  /** `msg.value`, wei. */
  readonly value: bigint;
  /** `block.timestamp` of the block the call is in, Unix s. */
  readonly timestamp: number;
}

/** Request facts `challengeClaim` checks besides the claim itself. */
export interface MoveContext {
  /** `requests[id].filler != 0`: the request was resolved on L1. */
  readonly requestResolved?: boolean;
  /** `invalidFillIds[claim.fillId]`: the claim's fill id was proven not to exist. */
  readonly fillInvalidated?: boolean;
}

/** Result of a modelled move: the new game, or the contract's revert string. */
export type MoveResult =
  | { readonly ok: true; readonly game: ClaimGame; readonly mover: Side }
  | { readonly ok: false; readonly reason: string };

/** A new, unchallenged claim as `claimRequest` creates it. */
export function newClaimGame(
  claimer: Address,
  fillId: Hex,
  claimStake: bigint,
  termination: number,
): ClaimGame {
  return {
    claimer,
    claimerStake: claimStake,
    challengerStakes: {},
    lastChallenger: ZERO_ADDRESS,
    challengerStakeTotal: 0n,
    termination,
    fillId,
  };
}

/** The fields of an initial `ClaimMade` (the one `claimRequest` emits). */
export interface InitialClaimMade extends ClaimMadeUpdate {
  /** The claimer named in the claim. */
  readonly claimer: Address;
  /** The fill id the claimer quotes. */
  readonly fillId: Hex;
}

/**
 * Starts tracking a claim from its first `ClaimMade`. An event that already carries a
 * challenger is a later move of a claim whose start was not seen; it is refused, since the
 * per-challenger stakes could not be rebuilt from it (keep it until the initial event arrives).
 */
export function claimGameFromClaimMade(
  event: InitialClaimMade,
): { ok: true; game: ClaimGame } | { ok: false; reason: string } {
  if (!isZeroAddress(event.lastChallenger) || event.challengerStakeTotal !== 0n) {
    return {
      ok: false,
      reason: "not the initial ClaimMade of the claim: it already has a challenger",
    };
  }
  return {
    ok: true,
    game: newClaimGame(event.claimer, event.fillId, event.claimerStake, event.termination),
  };
}

/** The side currently ahead: the claimer only with strictly more stake (ties go to challengers). */
export function leadingSide(game: ClaimGame): Side {
  return game.claimerStake > game.challengerStakeTotal ? "claimer" : "challengers";
}

/** A challenger's recorded stake (0 when unknown). */
export function challengerStakeOf(game: ClaimGame, who: Address): bigint {
  return game.challengerStakes[addressKey(who)] ?? 0n;
}

/**
 * The addresses that would win if the game ended now: the claimer if it leads, otherwise every
 * address with a recorded challenger stake.
 */
export function winningAddresses(game: ClaimGame): Address[] {
  if (leadingSide(game) === "claimer") return [addressKey(game.claimer)];
  return (Object.keys(game.challengerStakes) as Address[]).filter((a) =>
    (game.challengerStakes[a] ?? 0n) > 0n
  );
}

/** Whether `who` is among {@link winningAddresses}. */
export function isWinning(game: ClaimGame, who: Address): boolean {
  return winningAddresses(game).some((a) => sameAddress(a, who));
}

/** Least a challenger must send while the claimer leads: `claimerStake − total + 1`. */
export function minChallengerStake(game: ClaimGame): bigint {
  return game.claimerStake - game.challengerStakeTotal + 1n;
}

/** Least the claimer must send while challengers lead (or tie): `total − claimerStake + claimStake`. */
export function minClaimerStake(game: ClaimGame, claimStake: bigint): bigint {
  return game.challengerStakeTotal - game.claimerStake + claimStake;
}

/** Least stake of the next legal move, whichever side is to move. */
export function minimumMoveStake(game: ClaimGame, claimStake: bigint): bigint {
  return leadingSide(game) === "claimer"
    ? minChallengerStake(game)
    : minClaimerStake(game, claimStake);
}

/**
 * Models `challengeClaim`: the turn and stake rules, the termination extension (the first
 * challenge adds the target chain's finality period) and the new totals. Refusals carry the
 * contract's revert string.
 *
 * @example
 * ```ts
 * const g = newClaimGame(bob, fillId, 10n, 1000);
 * applyMove(g, { sender: alice, value: 11n, timestamp: 10 }, params); // challengers lead 11:10
 * ```
 */
export function applyMove(
  game: ClaimGame,
  move: Move,
  params: GameParams,
  context: MoveContext = {},
): MoveResult {
  if (move.timestamp >= game.termination) return { ok: false, reason: "Claim expired" };
  if (context.requestResolved) return { ok: false, reason: "Request already resolved" };
  if (context.fillInvalidated) return { ok: false, reason: "Fill already invalidated" };
  let next: ClaimGame;
  let mover: Side;
  let extension = params.challengePeriodExtension;
  if (leadingSide(game) === "claimer") {
    if (sameAddress(move.sender, game.claimer)) {
      return { ok: false, reason: "Cannot challenge own claim" };
    }
    if (move.value < minChallengerStake(game)) {
      return { ok: false, reason: "Not enough stake provided" };
    }
    if (game.challengerStakeTotal === 0n) extension += params.targetFinalityPeriod;
    const key = addressKey(move.sender);
    next = {
      ...game,
      lastChallenger: move.sender,
      challengerStakes: {
        ...game.challengerStakes,
        [key]: challengerStakeOf(game, key) + move.value,
      },
      challengerStakeTotal: game.challengerStakeTotal + move.value,
    };
    mover = "challengers";
  } else {
    if (!sameAddress(move.sender, game.claimer)) {
      return { ok: false, reason: "Not eligible to outbid" };
    }
    if (move.value < minClaimerStake(game, params.claimStake)) {
      return { ok: false, reason: "Not enough stake provided" };
    }
    next = { ...game, claimerStake: game.claimerStake + move.value };
    mover = "claimer";
  }
  const extended = move.timestamp + extension;
  if (extended > next.termination) next = { ...next, termination: extended };
  return { ok: true, game: next, mover };
}

/** The fields of a `ClaimMade` event that change during a game. */
export interface ClaimMadeUpdate {
  /** The claimer's total stake after the move. */
  readonly claimerStake: bigint;
  /** The last challenger after the move (zero address before any challenge). */
  readonly lastChallenger: Address;
  /** The challengers' total stake after the move. */
  readonly challengerStakeTotal: bigint;
  /** The claim's termination after the move, Unix s. */
  readonly termination: number;
}

/** Result of applying a ClaimMade event to the game the agent tracks. */
export type ClaimMadeResult =
  | { readonly ok: true; readonly game: ClaimGame; readonly credited?: Address }
  | { readonly ok: false; readonly reason: string };

/**
 * Applies a later `ClaimMade` of the same claim, rebuilding per-challenger stakes the way the
 * reference agent does: when the event shows the challengers ahead
 * (`challengerStakeTotal > claimerStake`), the increase of the total since the previous event
 * is credited to the event's `lastChallenger`. Totals never decrease on chain, so an event with
 * a smaller total or claimer stake is refused as stale; an unchanged one is a no-op.
 */
export function applyClaimMade(game: ClaimGame, event: ClaimMadeUpdate): ClaimMadeResult {
  if (
    event.claimerStake < game.claimerStake ||
    event.challengerStakeTotal < game.challengerStakeTotal
  ) {
    return {
      ok: false,
      reason: `stale ClaimMade: totals ${event.claimerStake}/${event.challengerStakeTotal} ` +
        `are below the known ${game.claimerStake}/${game.challengerStakeTotal}`,
    };
  }
  const increase = event.challengerStakeTotal - game.challengerStakeTotal;
  let stakes = game.challengerStakes;
  let credited: Address | undefined;
  if (event.challengerStakeTotal > event.claimerStake && increase > 0n) {
    if (isZeroAddress(event.lastChallenger)) {
      return { ok: false, reason: "ClaimMade raises the challenger total without a challenger" };
    }
    credited = addressKey(event.lastChallenger);
    stakes = { ...stakes, [credited]: (stakes[credited] ?? 0n) + increase };
  }
  return {
    ok: true,
    credited,
    game: {
      ...game,
      challengerStakes: stakes,
      claimerStake: event.claimerStake,
      lastChallenger: event.lastChallenger,
      challengerStakeTotal: event.challengerStakeTotal,
      termination: Math.max(game.termination, event.termination),
    },
  };
}

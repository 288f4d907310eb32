/**
 * Identifiers the Beamer contracts derive: request ids and event topics.
 *
 * @module
 */
import { encodePacked, keccak256 } from "viem";
import type { Address, Hex } from "viem";

/** The parameters a request id is derived from (source token, requester and fees are not). */
export interface RequestIdParams {
  /** Chain id of the RequestManager that created the request. */
  sourceChainId: bigint | number;
  /** Chain id of the FillManager that fills it. */
  targetChainId: bigint | number;
  /** Token paid out on the target chain. */
  targetTokenAddress: Address;
  /** Receiver on the target chain. */
  targetReceiverAddress: Address;
  /** Amount paid out, base units. */
  amount: bigint;
  /** The request's nonce (uint96). */
  nonce: bigint | number;
}

/**
 * keccak256 of the packed (uint256, uint256, address, address, uint256, uint96), as
 * RequestManager.createRequest and FillManager.fillRequest compute it.
 *
 * @example
 * ```ts
 * requestId({ sourceChainId: 10, targetChainId: 42161, targetTokenAddress: token,
 *   targetReceiverAddress: receiver, amount: 1000000n, nonce: 1 });
 * ```
 */
export function requestId(p: RequestIdParams): Hex {
  return keccak256(
    encodePacked(
      ["uint256", "uint256", "address", "address", "uint256", "uint96"],
      [
        BigInt(p.sourceChainId),
        BigInt(p.targetChainId),
        p.targetTokenAddress,
        p.targetReceiverAddress,
        p.amount,
        BigInt(p.nonce),
      ],
    ),
  );
}

/** topic0 of every event the agent decodes (keccak256 of the canonical signature). */
export const EVENT_TOPICS = {
  RequestCreated: "0x6aea27071459d79f368a97c21a7a6e85af3337282f8a63c25ed6561d41bb9cec",
  DepositWithdrawn: "0xab63a14c4aaba38366fd39116091672bb44520328ee870be35a51e573296e565",
  ClaimMade: "0xf0289b2c09d4e59035c29451cfbb75c07a50fdcc68db2eccef5a84db99285e44",
  ClaimStakeWithdrawn: "0xc9e74e0700d0c6488af9c81d70fdd4158aea77687137ff85499509c41a10612b",
  FeesUpdated: "0x24529dcb90461cd60643468a2d5fe88517ecc130a358e55f89114edc00f7555f",
  TokenUpdated: "0x5d4804fe0ec949f552f757bfb400c951422d44c10c004077ecd19a9d1f503562",
  ChainUpdated: "0x0cfc78bd83e736fee3ebe0c74fc801f2993eedb0bb43aaf55916bdd18a4c6f7b",
  RequestResolved: "0xb32d3c8b5539b0cc3050d5b75e9dad8eca8744a0892259bda27fdb51b9956736",
  FillInvalidatedResolved: "0x5571b83c623961fb42d39ce6d6d2092153ace66c008e2dc2472ec6d2e8fad045",
  LpAdded: "0x371fc559c30f70424413fed6bf7e57dc939651331abad5c970a8ea0921c80b2e",
  LpRemoved: "0x4e774c97f73f4bea034579e4224498d7d9b3a4109eaa70ed3d85c97a5855f198",
  Paused: "0x62e78cea01bee320cd4e420270b5ea74000d11b0c9f74754ebdbfc544b05a258",
  Unpaused: "0x5db9ee0a495bf2e6ff9c91a7834c1ba4fdd244a5e8aa4e537bd38aeae4b073aa",
  OwnershipTransferred: "0x8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0",
  RequestFilled: "0x2995401b199bc45ea8c8b79c27fb204b270cfb74444d546b1a100935e3443887",
  FillInvalidated: "0x931b401cf9baede43dc97f7d9dd4017d44f22bfa0a69668d527d9b5fff42b90a",
  Resolution: "0x44702e0d5959cc77a7f68b33530b86546d1b157d0d74b27010d5f519adae07cb",
  Transfer: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
  Approval: "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925",
} as const satisfies Record<string, Hex>;

/** Names of the events RequestManager may emit (it emits nothing else). */
export const REQUEST_MANAGER_EVENTS = [
  "RequestCreated",
  "DepositWithdrawn",
  "ClaimMade",
  "ClaimStakeWithdrawn",
  "FeesUpdated",
  "TokenUpdated",
  "ChainUpdated",
  "RequestResolved",
  "FillInvalidatedResolved",
  "LpAdded",
  "LpRemoved",
  "Paused",
  "Unpaused",
  "OwnershipTransferred",
] as const;

/** Names of the events FillManager may emit (it emits nothing else). */
export const FILL_MANAGER_EVENTS = [
  "RequestFilled",
  "FillInvalidated",
  "LpAdded",
  "LpRemoved",
  "OwnershipTransferred",
] as const;

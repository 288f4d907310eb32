/**
 * Raw logs of the RequestManager and FillManager decoded into the agent's {@link BridgeEvent}
 * vocabulary, each with its {@link EventRef} (the idempotency key is `blockHash:logIndex`).
 *
 * @module
 */
import { decodeEventLog } from "viem";
import type { Address, BridgeEvent, EventRef, Hex } from "../agent/messages.ts";
import { fillManagerAbi, requestManagerAbi } from "./abi.ts";

/** A log as `eth_getLogs` returns it (hex quantities). */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  logIndex: string;
  transactionHash: string;
  removed?: boolean;
}

/** A decoded bridge event, the request it belongs to, and where it was emitted. */
export interface DecodedEvent {
  /** Request id (lower-case hex): the router's key. */
  id: Hex;
  event: BridgeEvent;
  ref: EventRef;
}

/** What decoding one log gave: a bridge event, a parameter change, or nothing the agent uses. */
export type DecodeResult =
  | { kind: "event"; decoded: DecodedEvent }
  | { kind: "params" }
  | { kind: "ignored" };

/** RequestManager events that change the parameters a view carries. */
const PARAM_EVENTS = new Set([
  "ChainUpdated",
  "LpAdded",
  "LpRemoved",
  "FeesUpdated",
  "TokenUpdated",
]);

const lower = (a: string) => a.toLowerCase() as Address;
const dec = (v: unknown) => String(v);

/** The key that makes handling of one log idempotent. */
export function eventKey(blockHash: string, logIndex: number): string {
  return `${blockHash.toLowerCase()}:${logIndex}`;
}

/**
 * Decodes `log` emitted by `contracts.requestManager` or `contracts.fillManager` of chain
 * `chainId`; `timestamp` is its block's. Unknown topics and other emitters are ignored.
 */
export function decodeBridgeLog(
  chainId: number,
  log: RawLog,
  timestamp: number,
  contracts: { requestManager?: Address; fillManager?: Address },
): DecodeResult {
  const emitter = log.address.toLowerCase();
  const abi = emitter === contracts.requestManager?.toLowerCase()
    ? requestManagerAbi
    : emitter === contracts.fillManager?.toLowerCase()
    ? fillManagerAbi
    : undefined;
  if (!abi || log.topics.length === 0) return { kind: "ignored" };
  let parsed: { eventName: string; args: Record<string, unknown> };
  try {
    parsed = decodeEventLog({
      abi,
      data: log.data as Hex,
      topics: log.topics as [Hex, ...Hex[]],
    }) as unknown as typeof parsed;
  } catch {
    return { kind: "ignored" };
  }
  if (PARAM_EVENTS.has(parsed.eventName)) return { kind: "params" };
  const event = toBridgeEvent(parsed.eventName, parsed.args);
  if (!event) return { kind: "ignored" };
  const logIndex = Number(BigInt(log.logIndex));
  const ref: EventRef = {
    chainId,
    blockNumber: Number(BigInt(log.blockNumber)),
    blockHash: lower(log.blockHash) as Hex,
    logIndex,
    txHash: lower(log.transactionHash) as Hex,
    timestamp,
    key: eventKey(log.blockHash, logIndex),
  };
  return { kind: "event", decoded: { id: lower(event.requestId) as Hex, event, ref } };
}

function toBridgeEvent(name: string, a: Record<string, unknown>): BridgeEvent | undefined {
  const h = (k: string) => lower(String(a[k])) as Hex;
  switch (name) {
    case "RequestCreated":
      return {
        type: "RequestCreated",
        requestId: h("requestId"),
        targetChainId: Number(a.targetChainId),
        sourceToken: h("sourceTokenAddress"),
        targetToken: h("targetTokenAddress"),
        sourceAddress: h("sourceAddress"),
        targetAddress: h("targetAddress"),
        amount: dec(a.amount),
        nonce: dec(a.nonce),
        validUntil: Number(a.validUntil),
        lpFee: dec(a.lpFee),
        protocolFee: dec(a.protocolFee),
      };
    case "RequestFilled":
      return {
        type: "RequestFilled",
        requestId: h("requestId"),
        fillId: h("fillId"),
        sourceChainId: Number(a.sourceChainId),
        targetToken: h("targetTokenAddress"),
        filler: h("filler"),
        amount: dec(a.amount),
      };
    case "FillInvalidated":
      return { type: "FillInvalidated", requestId: h("requestId"), fillId: h("fillId") };
    case "ClaimMade":
      return {
        type: "ClaimMade",
        requestId: h("requestId"),
        claimId: dec(a.claimId),
        claimer: h("claimer"),
        claimerStake: dec(a.claimerStake),
        lastChallenger: h("lastChallenger"),
        challengerStakeTotal: dec(a.challengerStakeTotal),
        termination: Number(a.termination),
        fillId: h("fillId"),
      };
    case "ClaimStakeWithdrawn":
      return {
        type: "ClaimStakeWithdrawn",
        claimId: dec(a.claimId),
        requestId: h("requestId"),
        stakeRecipient: h("stakeRecipient"),
      };
    case "DepositWithdrawn":
      return { type: "DepositWithdrawn", requestId: h("requestId"), receiver: h("receiver") };
    case "RequestResolved":
      return {
        type: "RequestResolved",
        requestId: h("requestId"),
        filler: h("filler"),
        fillId: h("fillId"),
      };
    case "FillInvalidatedResolved":
      return { type: "FillInvalidatedResolved", requestId: h("requestId"), fillId: h("fillId") };
    default:
      return undefined;
  }
}

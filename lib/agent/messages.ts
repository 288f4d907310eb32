/**
 * The messages the agent's actors exchange: decoded bridge events, chain views, transaction
 * requests and outcomes, and status reports. Every message is plain JSON: amounts and ids that
 * can exceed 2^53 travel as decimal strings, hashes and addresses as lower-case hex.
 *
 * Actor paths of the agent:
 *
 * ```
 * /chain:<chainId>/watcher            ChainWatcher of one rollup (and /chain:<l1Id>/watcher for L1)
 * /chain:<chainId>/tx                 TxSender of the LP account on that chain
 * /requests                           sharded router → /requests/sNN/<requestId>   RequestActor
 *                                     (the claims on a request are state of its RequestActor,
 *                                      reported as kind "claim"; see docs/DECISIONS.md)
 * /status                             StatusHub: counts state changes, forwards them to the link
 * /control                            Control: pause/resume/drain/resync commands
 * /link, /link/queue, /link/heartbeat coordinator link (optional)
 * /inspector                          HTTP inspector (optional)
 * ```
 *
 * @module
 */

/** 0x-prefixed lower-case hex. */
export type Hex = `0x${string}`;
/** A 20-byte address as lower-case hex. */
export type Address = `0x${string}`;
/** A non-negative integer as a decimal string (wei, token base units, uint96 ids). */
export type Dec = string;

/** Path helpers, so every actor names the others the same way. */
export const paths = {
  watcher: (chainId: number) => `/chain:${chainId}/watcher`,
  txSender: (chainId: number) => `/chain:${chainId}/tx`,
  requests: "/requests",
  status: "/status",
  control: "/control",
  link: "/link",
  queue: "/link/queue",
} as const;

/** Where and when a log was emitted; `key` (blockHash:logIndex) makes handling idempotent. */
export interface EventRef {
  chainId: number;
  blockNumber: number;
  blockHash: Hex;
  logIndex: number;
  txHash: Hex;
  /** Block timestamp, Unix seconds (chain time). */
  timestamp: number;
  /** `${blockHash}:${logIndex}` */
  key: string;
}

/** The bridge events an agent acts on, decoded from RequestManager and FillManager logs. */
export type BridgeEvent =
  | {
    type: "RequestCreated";
    requestId: Hex;
    targetChainId: number;
    sourceToken: Address;
    targetToken: Address;
    sourceAddress: Address;
    targetAddress: Address;
    amount: Dec;
    nonce: Dec;
    validUntil: number;
    lpFee: Dec;
    protocolFee: Dec;
  }
  | {
    type: "RequestFilled";
    requestId: Hex;
    fillId: Hex;
    sourceChainId: number;
    targetToken: Address;
    filler: Address;
    amount: Dec;
  }
  | { type: "FillInvalidated"; requestId: Hex; fillId: Hex }
  | {
    type: "ClaimMade";
    requestId: Hex;
    claimId: Dec;
    claimer: Address;
    claimerStake: Dec;
    lastChallenger: Address;
    challengerStakeTotal: Dec;
    termination: number;
    fillId: Hex;
  }
  | { type: "ClaimStakeWithdrawn"; claimId: Dec; requestId: Hex; stakeRecipient: Address }
  | { type: "DepositWithdrawn"; requestId: Hex; receiver: Address }
  | { type: "RequestResolved"; requestId: Hex; filler: Address; fillId: Hex }
  | { type: "FillInvalidatedResolved"; requestId: Hex; fillId: Hex };

/** Contract parameters a rollup's watcher reads once and keeps current from events. */
export interface ChainParams {
  claimStake: Dec;
  claimPeriod: number;
  claimRequestExtension: number;
  challengePeriodExtension: number;
  /** `chains(id).finalityPeriod` of the RequestManager, per target chain id. */
  finalityPeriods: Record<string, number>;
  /** The LP is in `allowedLps` of this chain's RequestManager and FillManager. */
  lpAllowedOnRequestManager: boolean;
  lpAllowedOnFillManager: boolean;
}

/** What one chain's watcher knows right now; carried by every tick and event batch. */
export interface ChainView {
  chainId: number;
  /** Latest head seen at the RPC. */
  head: number;
  /** Highest block whose logs were delivered (head − confirmations, once caught up). */
  synced: number;
  /** Timestamp of block `synced`, Unix seconds. */
  timestamp: number;
  /** Wall-clock ms when this view was taken; the freshness guard compares it with now. */
  at: number;
  /** The RPC answered the last call. */
  rpcOk: boolean;
  /** RPC URL in use (credentials stripped). */
  rpcUrl: string;
  /** The LP's native balance (wei). */
  nativeBalance: Dec;
  /** Per configured token address (lower case): the LP's balance and allowance to the FillManager. */
  tokens: Record<string, { balance: Dec; allowance: Dec }>;
  /** Contract parameters (rollups only). */
  params?: ChainParams;
  /** L1 only: gas price (wei) for the L1 cost of a resolution. */
  gasPrice?: Dec;
}

/** Messages to the request router (`/requests`); it forwards `msg` to the request's actor. */
export type RouterMsg =
  | { type: "route"; id: string; msg: RequestMsg; init?: unknown }
  /** Fan a view out to every request that subscribed to ticks of `view.chainId`. */
  | { type: "View"; view: ChainView }
  | { type: "Subscribe"; id: string; chainIds: number[] }
  | { type: "Unsubscribe"; id: string }
  /** The operator's policy, folded into every view handed to requests (see {@link FillPolicy}). */
  | { type: "Policy"; policy: FillPolicy }
  /** Ask every live request (and claim) to report its current state again to `/status`. */
  | { type: "Resync" };

/** Operator steering of new fills; claims, challenges and withdrawals always go on. */
export interface FillPolicy {
  /** Target chain ids on which no new fill is started (deferred, not ignored). */
  pausedChains: number[];
  /** Take no new requests at all; finish the work already started. */
  draining: boolean;
}

/** Messages a RequestActor accepts. */
export type RequestMsg =
  /** A decoded event; `ack` asks for a durable acknowledgement to the watcher. */
  | { type: "Event"; event: BridgeEvent; ref: EventRef; ack?: { to: string; batch: number } }
  /** A previously delivered event's block was reorged away. */
  | { type: "EventRemoved"; ref: EventRef }
  /** A fresh view of one chain (ticks drive time-based decisions). */
  | { type: "View"; view: ChainView }
  /** The outcome of a transaction this actor asked for. */
  | TxOutcome
  /** The operator's fill policy (from the router, on subscription and on change). */
  | { type: "Policy"; policy: FillPolicy }
  /** Report the current state (request and claims) to `/status` again. */
  | { type: "Resync" }
  /** A timer: look at the time-based steps again. */
  | { type: "Tick" };

/** Watcher-bound acknowledgement: every event of `batch` sent to `from` is durable there. */
export interface EventAck {
  type: "EventAck";
  batch: number;
  key: string;
}

/** Why a transaction is sent (for reports and for mapping reverts to FSM events). */
export type TxPurpose =
  | "approve"
  | "fill"
  | "claim"
  | "challenge"
  | "withdraw"
  | "invalidate"
  | "withdraw_expired";

/** A request to the TxSender of a chain. Idempotent by `id`: a repeat never sends twice. */
export interface SendTx {
  type: "SendTx";
  /** Idempotency key, e.g. `fill:<requestId>`, `claim:<requestId>`, `challenge:<claimId>:<n>`. */
  id: string;
  purpose: TxPurpose;
  /** Contract address. */
  to: Address;
  /** ABI-encoded call data. */
  data: Hex;
  /** Native value (wei). */
  value: Dec;
  /** Path the outcome goes to. */
  replyTo: string;
}

/** What became of a SendTx. */
export interface TxOutcome {
  type: "TxOutcome";
  id: string;
  purpose: TxPurpose;
  /** mined: status 1; reverted: status 0 or a revert at estimation; failed: never got in. */
  status: "mined" | "reverted" | "failed";
  hash?: Hex;
  blockNumber?: number;
  /** Decoded revert reason (`Already filled`, …) or the error that stopped it. */
  reason?: string;
}

/** A state change reported to the coordinator (and shown by inspection). */
export interface StatusReport {
  type: "Status";
  kind: "request" | "claim" | "tx";
  id: string;
  state: string;
  chainId: number;
  /** ISO time of the change. */
  at: string;
  details: Record<string, unknown>;
}

/** A coordinator command, as the link delivers it to `/control`. */
export type ControlCommand =
  | { kind: "pause_chain"; chainId: number }
  | { kind: "resume_chain"; chainId: number }
  | { kind: "drain" }
  | { kind: "resync" };

/** Sent by the link to `/control`; answered with a {@link CommandResult} to `replyTo`. */
export interface LinkCommand {
  type: "LinkCommand";
  id: string;
  command: ControlCommand;
  replyTo: string;
}

/** The agent's answer to a {@link LinkCommand}. */
export interface CommandResult {
  type: "CommandResult";
  id: string;
  ok: boolean;
  detail?: string;
}

/** To `/link/queue`: give `report` the next seq, persist it, and send it once connected. */
export interface AppendStatus {
  type: "AppendStatus";
  report: StatusReport;
}

/** To `/link`: the current spec (balances, chains, config summary), sent on connect and on change. */
export interface SpecUpdate {
  type: "SpecUpdate";
  spec: {
    balances: { chainId: number; token: Address; symbol?: string; amount: Dec }[];
    chains: { chainId: number; name: string }[];
    config: Record<string, unknown>;
  };
}

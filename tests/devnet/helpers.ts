/**
 * Shared pieces of the devnet lifecycle tests: contract fragments, per-account clients, and small
 * actions (create a request, fill, claim, challenge, withdraw) that return what the chain said.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type Abi,
  type ContractEventName,
  type Hex,
  maxUint256,
  parseAbi,
  parseEventLogs,
  type TransactionReceipt,
} from "viem";
import {
  devnetPublicClient,
  type DevnetWalletClient,
  devnetWalletClient,
} from "../../scripts/devnet/clients.ts";
import { revertReason } from "../../scripts/devnet/relay.ts";
import type {
  Address,
  DevAccount,
  DevnetInfo,
  DevnetRollupInfo,
} from "../../scripts/devnet/types.ts";

/** RequestManager fragments used by the tests (signatures from the protocol fact sheet). */
export const requestManagerAbi = parseAbi([
  "function createRequest(uint256 targetChainId, address sourceTokenAddress, address targetTokenAddress, address targetAddress, uint256 amount, uint256 validityPeriod) returns (bytes32)",
  "function claimRequest(bytes32 requestId, bytes32 fillId) payable returns (uint96)",
  "function challengeClaim(uint96 claimId) payable",
  "function withdraw(uint96 claimId) returns (address)",
  "function withdrawExpiredRequest(bytes32 requestId)",
  "function totalFee(uint256 targetChainId, address tokenAddress, uint256 amount) view returns (uint256)",
  "function requests(bytes32 requestId) view returns (address sender, address sourceTokenAddress, uint256 targetChainId, uint256 amount, uint32 validUntil, uint256 lpFee, uint256 protocolFee, uint32 activeClaims, uint96 withdrawClaimId, address filler, bytes32 fillId)",
  "function claims(uint96 claimId) view returns (bytes32 requestId, address claimer, uint96 claimerStake, address lastChallenger, uint96 challengerStakeTotal, uint256 withdrawnAmount, uint256 termination, bytes32 fillId)",
  "function isInvalidFill(bytes32 requestId, bytes32 fillId) view returns (bool)",
  "function tokens(address tokenAddress) view returns (uint256 transferLimit, uint256 ethInToken, uint256 collectedProtocolFees)",
  "event RequestCreated(bytes32 indexed requestId, uint256 targetChainId, address sourceTokenAddress, address targetTokenAddress, address indexed sourceAddress, address targetAddress, uint256 amount, uint96 nonce, uint32 validUntil, uint256 lpFee, uint256 protocolFee)",
  "event ClaimMade(bytes32 indexed requestId, uint96 claimId, address claimer, uint96 claimerStake, address lastChallenger, uint96 challengerStakeTotal, uint256 termination, bytes32 fillId)",
  "event ClaimStakeWithdrawn(uint96 claimId, bytes32 indexed requestId, address stakeRecipient)",
  "event DepositWithdrawn(bytes32 requestId, address receiver)",
  "event RequestResolved(bytes32 requestId, address filler, bytes32 fillId)",
  "event FillInvalidatedResolved(bytes32 requestId, bytes32 fillId)",
]);

/** FillManager fragments used by the tests. */
export const fillManagerAbi = parseAbi([
  "function fillRequest(uint256 sourceChainId, address targetTokenAddress, address targetReceiverAddress, uint256 amount, uint96 nonce) returns (bytes32)",
  "function invalidateFill(uint256 sourceChainId, address targetTokenAddress, address targetReceiverAddress, uint256 amount, uint96 nonce, bytes32 fillId)",
  "function fills(bytes32 requestId) view returns (bytes32)",
  "event RequestFilled(bytes32 indexed requestId, bytes32 fillId, uint256 indexed sourceChainId, address indexed targetTokenAddress, address filler, uint256 amount)",
  "event FillInvalidated(bytes32 indexed requestId, bytes32 indexed fillId)",
]);

/** ERC20 + MintableToken fragments. */
export const tokenAbi = parseAbi([
  "function balanceOf(address account) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function mint(address to, uint256 amount)",
]);

/** DevnetMessenger fragments. */
export const messengerAbi = parseAbi([
  "event MessageSent(uint256 indexed nonce, address indexed target, bytes message)",
  "event MessageDelivered(address indexed remoteSender, uint256 indexed remoteNonce)",
]);

/** One token unit (18 decimals). */
export const TOKEN = 10n ** 18n;

/** Clients for one account on one rollup. */
export class Actor {
  /** Reader bound to the rollup. */
  readonly reader: ReturnType<typeof devnetPublicClient>;
  /** Signer bound to the rollup and the account. */
  readonly wallet: DevnetWalletClient;
  /** Creates the clients. */
  constructor(readonly rollup: DevnetRollupInfo, readonly account: DevAccount) {
    this.reader = devnetPublicClient(rollup, { timeoutMs: 10_000 });
    this.wallet = devnetWalletClient(rollup, account, { timeoutMs: 10_000 });
  }
  /** The account address. */
  get address(): Address {
    return this.account.address;
  }
  /** Waits for a sent transaction and returns its receipt (asserts success). */
  async confirm(sent: Promise<Hex>): Promise<TransactionReceipt> {
    const hash = await sent;
    const receipt = await this.reader.waitForTransactionReceipt({ hash, timeout: 30_000 });
    assert.equal(receipt.status, "success", `transaction ${hash} reverted`);
    return receipt;
  }
}

/** Decodes the events named `eventName` of `abi` from a receipt, emitted by `address`. */
export function eventsOf<const A extends Abi, N extends ContractEventName<A>>(
  abi: A,
  eventName: N,
  receipt: TransactionReceipt,
  address: Address,
) {
  return parseEventLogs({
    abi,
    eventName,
    logs: receipt.logs.filter((l) => l.address.toLowerCase() === address.toLowerCase()),
  });
}

/** A request created by {@link createRequest}. */
export interface TestRequest {
  /** Request id. */
  requestId: Hex;
  /** Nonce. */
  nonce: bigint;
  /** Amount. */
  amount: bigint;
  /** LP fee stored with the request. */
  lpFee: bigint;
  /** Protocol fee stored with the request. */
  protocolFee: bigint;
  /** Source and target rollups. */
  source: DevnetRollupInfo;
  /** Target rollup. */
  target: DevnetRollupInfo;
  /** Requester (also receiver). */
  sender: Address;
}

/** The rollups A and B, and actors for the named accounts on each. */
export function actors(info: DevnetInfo) {
  const [a, b] = info.rollups;
  const on = (account: DevAccount) => ({ a: new Actor(a, account), b: new Actor(b, account) });
  return {
    a,
    b,
    lp: on(info.accounts.lp),
    otherLp: on(info.accounts.otherLp),
    user: on(info.accounts.users[0]),
    user2: on(info.accounts.users[1]),
  };
}

/** Creates a TST request from `user` on its rollup to `target` (minting and approving as needed). */
export async function createRequest(
  user: Actor,
  target: DevnetRollupInfo,
  amount: bigint,
  validityPeriod = 3600,
  token: "TST" | "UNL" = "TST",
): Promise<TestRequest> {
  const source = user.rollup;
  const fee = await user.reader.readContract({
    address: source.requestManager,
    abi: requestManagerAbi,
    functionName: "totalFee",
    args: [BigInt(target.chainId), source.tokens[token], amount],
  });
  await user.confirm(user.wallet.writeContract({
    address: source.tokens[token],
    abi: tokenAbi,
    functionName: "mint",
    args: [user.address, amount + fee],
  }));
  await user.confirm(user.wallet.writeContract({
    address: source.tokens[token],
    abi: tokenAbi,
    functionName: "approve",
    args: [source.requestManager, maxUint256],
  }));
  const receipt = await user.confirm(user.wallet.writeContract({
    address: source.requestManager,
    abi: requestManagerAbi,
    functionName: "createRequest",
    args: [
      BigInt(target.chainId),
      source.tokens[token],
      target.tokens[token],
      user.address,
      amount,
      BigInt(validityPeriod),
    ],
  }));
  const [created] = eventsOf(requestManagerAbi, "RequestCreated", receipt, source.requestManager);
  assert.ok(created, "RequestCreated emitted");
  return {
    requestId: created.args.requestId,
    nonce: created.args.nonce,
    amount,
    lpFee: created.args.lpFee,
    protocolFee: created.args.protocolFee,
    source,
    target,
    sender: user.address,
  };
}

/** Fills `request` as `lp` on the target rollup; returns the fill id from RequestFilled. */
export async function fill(lp: Actor, request: TestRequest): Promise<Hex> {
  assert.equal(lp.rollup.chainId, request.target.chainId, "fill on the target rollup");
  await lp.confirm(lp.wallet.writeContract({
    address: request.target.tokens.TST,
    abi: tokenAbi,
    functionName: "approve",
    args: [request.target.fillManager, maxUint256],
  }));
  const receipt = await lp.confirm(lp.wallet.writeContract({
    address: request.target.fillManager,
    abi: fillManagerAbi,
    functionName: "fillRequest",
    args: [
      BigInt(request.source.chainId),
      request.target.tokens.TST,
      request.sender,
      request.amount,
      request.nonce,
    ],
  }));
  const [filled] = eventsOf(fillManagerAbi, "RequestFilled", receipt, request.target.fillManager);
  assert.ok(filled, "RequestFilled emitted");
  return filled.args.fillId;
}

/** Claims `request` as `claimer` on the source rollup; returns the claim id and termination. */
export async function claim(
  claimer: Actor,
  request: TestRequest,
  fillId: Hex,
  stake: bigint,
): Promise<{ claimId: bigint; termination: bigint }> {
  const receipt = await claimer.confirm(claimer.wallet.writeContract({
    address: request.source.requestManager,
    abi: requestManagerAbi,
    functionName: "claimRequest",
    args: [request.requestId, fillId],
    value: stake,
    // A fixed limit: with interval mining the estimate can be taken on a different state.
    gas: 500_000n,
  }));
  const [made] = eventsOf(requestManagerAbi, "ClaimMade", receipt, request.source.requestManager);
  assert.ok(made, "ClaimMade emitted");
  return { claimId: made.args.claimId, termination: made.args.termination };
}

/** Challenges a claim with `value` wei. */
export async function challenge(
  challenger: Actor,
  request: TestRequest,
  claimId: bigint,
  value: bigint,
): Promise<void> {
  await challenger.confirm(challenger.wallet.writeContract({
    address: request.source.requestManager,
    abi: requestManagerAbi,
    functionName: "challengeClaim",
    args: [claimId],
    value,
    gas: 500_000n,
  }));
}

/** Withdraws a claim as `who`; returns the ClaimStakeWithdrawn recipient and DepositWithdrawn. */
export async function withdraw(who: Actor, request: TestRequest, claimId: bigint) {
  const receipt = await who.confirm(who.wallet.writeContract({
    address: request.source.requestManager,
    abi: requestManagerAbi,
    functionName: "withdraw",
    args: [claimId],
  }));
  const rm = request.source.requestManager;
  const [stake] = eventsOf(requestManagerAbi, "ClaimStakeWithdrawn", receipt, rm);
  const [deposit] = eventsOf(requestManagerAbi, "DepositWithdrawn", receipt, rm);
  assert.ok(stake, "ClaimStakeWithdrawn emitted");
  return { stakeRecipient: stake.args.stakeRecipient, deposit: deposit?.args, receipt };
}

/** Mints `amount` TST to `to` on `who`'s rollup (the test token lets anyone mint). */
export async function mintTo(who: Actor, to: Address, amount: bigint): Promise<void> {
  await who.confirm(who.wallet.writeContract({
    address: who.rollup.tokens.TST,
    abi: tokenAbi,
    functionName: "mint",
    args: [to, amount],
  }));
}

/** TST balance of `who` on its rollup. */
export async function tokenBalance(who: Actor): Promise<bigint> {
  return await who.reader.readContract({
    address: who.rollup.tokens.TST,
    abi: tokenAbi,
    functionName: "balanceOf",
    args: [who.address],
  });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A revert reason expected from a call (simulated, so nothing is sent). */
export async function revertReasonOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    const reason = revertReason(error);
    if (reason !== undefined) return reason;
    throw error;
  }
  throw new Error("expected the call to revert");
}

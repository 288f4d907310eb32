/**
 * Traffic generator: creates transfer requests on a devnet in both directions between the first
 * two rollups, from the user accounts, with seeded random amounts, plus a share of requests an
 * LP agent configured for TST must refuse:
 *
 * - `unsafe`: validity period exactly `unsafeValidity` seconds. An agent whose unsafe fill time is
 *   at least that refuses it (it is already inside the unsafe window when created). Fillable
 *   requests use `validity`, so run the agent with `unsafeValidity <= unsafe fill time < validity`.
 * - `unknown-token`: UNL → UNL, a token configured on the RequestManagers but not in the agent's
 *   token list.
 * - `over-balance`: TST amount above the LP's TST balance on the target rollup, within the
 *   source RequestManager's transfer limit.
 *
 * Users are minted and approve whatever a request needs (MintableToken.mint is open to anyone).
 *
 * @example
 * const created = await createTraffic(info, { count: 10, ratePerSecond: 5, seed: 1 });
 *
 * @module
 */
import { decodeEventLog, type Hex, maxUint256, parseAbi, parseEventLogs } from "viem";
import { devnetPublicClient, type DevnetWalletClient, devnetWalletClient } from "./clients.ts";
import { prng } from "./prng.ts";
import type { Address, DevAccount, DevnetInfo, DevnetRollupInfo, DevTokenSymbol } from "./types.ts";

/** What a created request is meant to exercise. */
export type TrafficKind = "fillable" | "unsafe" | "unknown-token" | "over-balance";

/** The refusal kinds, in the order they are dealt out. */
export const REFUSAL_KINDS: readonly TrafficKind[] = ["unsafe", "unknown-token", "over-balance"];

/** Options of {@link createTraffic}. */
export interface TrafficOptions {
  /** Number of requests (default 10). */
  count?: number;
  /** Requests per second (default 1). */
  ratePerSecond?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Share of requests the agent must refuse, 0..1 (default 0.2). */
  refuseShare?: number;
  /** Validity period of `unsafe` requests, seconds (default 1800, the contract minimum). */
  unsafeValidity?: number;
  /** Validity period of every other request, seconds (default 7200). */
  validity?: number;
  /** Smallest random amount, token base units (default 0.1 token of 18 decimals). */
  minAmount?: bigint;
  /** Largest random amount, token base units (default 5 tokens of 18 decimals). */
  maxAmount?: bigint;
  /** Called once per created request, as soon as it is mined. */
  onRequest?: (request: CreatedRequest) => void;
  /** Stops creating further requests when aborted. */
  signal?: AbortSignal;
}

/** One request created by the traffic generator. */
export interface CreatedRequest {
  /** Request id from the RequestCreated log. */
  requestId: Hex;
  /** What it exercises. */
  kind: TrafficKind;
  /** "rollup-a->rollup-b". */
  direction: string;
  /** Source chain id. */
  sourceChainId: number;
  /** Target chain id. */
  targetChainId: number;
  /** Token symbol on both sides. */
  token: DevTokenSymbol;
  /** Source token address. */
  sourceToken: Address;
  /** Target token address. */
  targetToken: Address;
  /** Amount, base units. */
  amount: bigint;
  /** Validity period passed to createRequest, seconds. */
  validityPeriod: number;
  /** Request nonce. */
  nonce: bigint;
  /** Requester (also the receiver on the target rollup). */
  sender: Address;
  /** The createRequest transaction. */
  txHash: Hex;
}

/** Traffic could not be created as asked (bad option, impossible request, failed transaction). */
export class TrafficError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "TrafficError";
  }
}

const requestManagerAbi = parseAbi([
  "function createRequest(uint256 targetChainId, address sourceTokenAddress, address targetTokenAddress, address targetAddress, uint256 amount, uint256 validityPeriod) returns (bytes32)",
  "function totalFee(uint256 targetChainId, address tokenAddress, uint256 amount) view returns (uint256)",
  "function tokens(address tokenAddress) view returns (uint256 transferLimit, uint256 ethInToken, uint256 collectedProtocolFees)",
  "event RequestCreated(bytes32 indexed requestId, uint256 targetChainId, address sourceTokenAddress, address targetTokenAddress, address indexed sourceAddress, address targetAddress, uint256 amount, uint96 nonce, uint32 validUntil, uint256 lpFee, uint256 protocolFee)",
]);

const tokenAbi = parseAbi([
  "function balanceOf(address account) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function mint(address to, uint256 amount)",
]);

/**
 * The kinds of `count` requests: `round(count * refuseShare)` refusals dealt round-robin over
 * {@link REFUSAL_KINDS}, the rest fillable, shuffled with the seed.
 *
 * @example
 * planTraffic(5, 0.6, 1); // three refusals (one of each kind) and two fillable, in seeded order
 */
export function planTraffic(count: number, refuseShare: number, seed: number): TrafficKind[] {
  const refusals = Math.round(count * refuseShare);
  const kinds: TrafficKind[] = [];
  for (let i = 0; i < count; i++) {
    kinds.push(i < refusals ? REFUSAL_KINDS[i % REFUSAL_KINDS.length] : "fillable");
  }
  return prng(seed ^ 0x5eed).shuffle(kinds);
}

/**
 * Creates requests on the devnet and returns them in creation order.
 *
 * @example
 * const created = await createTraffic(info, { count: 6, ratePerSecond: 50, refuseShare: 0.5 });
 * created.filter((r) => r.kind === "fillable").length; // 3
 */
export async function createTraffic(
  info: DevnetInfo,
  options: TrafficOptions = {},
): Promise<CreatedRequest[]> {
  const opts = checkOptions(info, options);
  const rng = prng(opts.seed);
  const kinds = planTraffic(opts.count, opts.refuseShare, opts.seed);
  const [rollupA, rollupB] = info.rollups;
  const readers = new Map(info.rollups.map((r) => [r.chainId, devnetPublicClient(r)]));
  const writers = new Map<string, DevnetWalletClient>();
  const writer = (rollup: DevnetRollupInfo, account: DevAccount) => {
    const key = `${rollup.chainId}:${account.address}`;
    let client = writers.get(key);
    if (!client) {
      client = devnetWalletClient(rollup, account, { timeoutMs: 10_000 });
      writers.set(key, client);
    }
    return client;
  };

  const created: CreatedRequest[] = [];
  const start = Date.now();
  const intervalMs = 1000 / opts.ratePerSecond;
  for (let i = 0; i < opts.count; i++) {
    if (opts.signal?.aborted) break;
    await sleepUntil(start + i * intervalMs, opts.signal);
    if (opts.signal?.aborted) break;

    const kind = kinds[i];
    const [source, target] = i % 2 === 0 ? [rollupA, rollupB] : [rollupB, rollupA];
    const user = info.accounts.users[i % info.accounts.users.length];
    const token: DevTokenSymbol = kind === "unknown-token" ? "UNL" : "TST";
    const reader = readers.get(source.chainId)!;
    const amount = kind === "over-balance"
      ? await overBalanceAmount(info, source, target, readers.get(target.chainId)!, rng)
      : rng.bigint(opts.minAmount, opts.maxAmount);
    const validityPeriod = kind === "unsafe" ? opts.unsafeValidity : opts.validity;
    const sourceToken = source.tokens[token];
    const targetToken = target.tokens[token];
    const wallet = writer(source, user);

    const fee = await reader.readContract({
      address: source.requestManager,
      abi: requestManagerAbi,
      functionName: "totalFee",
      args: [BigInt(target.chainId), sourceToken, amount],
    });
    await ensureFunds(reader, wallet, sourceToken, source.requestManager, amount + fee);

    const hash = await wallet.writeContract({
      address: source.requestManager,
      abi: requestManagerAbi,
      functionName: "createRequest",
      args: [
        BigInt(target.chainId),
        sourceToken,
        targetToken,
        user.address,
        amount,
        BigInt(validityPeriod),
      ],
    });
    const receipt = await reader.waitForTransactionReceipt({ hash, timeout: 30_000 });
    if (receipt.status !== "success") {
      throw new TrafficError(`createRequest on ${source.name} reverted (${hash})`);
    }
    const [event] = parseEventLogs({
      abi: requestManagerAbi,
      eventName: "RequestCreated",
      logs: receipt.logs.filter((l) =>
        l.address.toLowerCase() === source.requestManager.toLowerCase()
      ),
    });
    if (!event) throw new TrafficError(`no RequestCreated log in ${hash} on ${source.name}`);
    const request: CreatedRequest = {
      requestId: event.args.requestId,
      kind,
      direction: `${source.name}->${target.name}`,
      sourceChainId: source.chainId,
      targetChainId: target.chainId,
      token,
      sourceToken,
      targetToken,
      amount,
      validityPeriod,
      nonce: event.args.nonce,
      sender: user.address,
      txHash: hash,
    };
    created.push(request);
    opts.onRequest?.(request);
  }
  return created;
}

/** Decodes a RequestCreated log (exported for tests that read the chain back). */
export function decodeRequestCreated(log: { data: Hex; topics: [Hex, ...Hex[]] }) {
  return decodeEventLog({ abi: requestManagerAbi, eventName: "RequestCreated", ...log }).args;
}

/** The RequestCreated event fragment, for getLogs filters. */
export const requestCreatedEvent = requestManagerAbi[3];

type Reader = ReturnType<typeof devnetPublicClient>;

async function overBalanceAmount(
  info: DevnetInfo,
  source: DevnetRollupInfo,
  target: DevnetRollupInfo,
  targetReader: Reader,
  rng: ReturnType<typeof prng>,
): Promise<bigint> {
  const lpBalance = await targetReader.readContract({
    address: target.tokens.TST,
    abi: tokenAbi,
    functionName: "balanceOf",
    args: [info.accounts.lp.address],
  });
  const [limit] = await devnetPublicClient(source).readContract({
    address: source.requestManager,
    abi: requestManagerAbi,
    functionName: "tokens",
    args: [source.tokens.TST],
  });
  if (lpBalance >= limit) {
    throw new TrafficError(
      `cannot create an over-balance request ${source.name}->${target.name}: the LP's TST ` +
        `balance on ${target.name} (${lpBalance}) is not below the TST transfer limit on ` +
        `${source.name} (${limit})`,
    );
  }
  // Somewhere in the upper three quarters of the room between balance and limit, so the LP's
  // repayments on the target do not soon make it fillable.
  const room = limit - lpBalance;
  return lpBalance + rng.bigint(room / 4n + 1n, room);
}

async function ensureFunds(
  reader: Reader,
  wallet: DevnetWalletClient,
  token: Address,
  spender: Address,
  needed: bigint,
): Promise<void> {
  const owner = wallet.account.address;
  const [balance, allowance] = await Promise.all([
    reader.readContract({
      address: token,
      abi: tokenAbi,
      functionName: "balanceOf",
      args: [owner],
    }),
    reader.readContract({
      address: token,
      abi: tokenAbi,
      functionName: "allowance",
      args: [owner, spender],
    }),
  ]);
  const sent: Hex[] = [];
  if (balance < needed) {
    sent.push(
      await wallet.writeContract({
        address: token,
        abi: tokenAbi,
        functionName: "mint",
        args: [owner, needed - balance],
      }),
    );
  }
  if (allowance < needed) {
    sent.push(
      await wallet.writeContract({
        address: token,
        abi: tokenAbi,
        functionName: "approve",
        args: [spender, maxUint256],
      }),
    );
  }
  for (const hash of sent) {
    const receipt = await reader.waitForTransactionReceipt({ hash, timeout: 30_000 });
    if (receipt.status !== "success") {
      throw new TrafficError(`funding ${owner} with token ${token} failed (${hash})`);
    }
  }
}

interface CheckedOptions {
  count: number;
  ratePerSecond: number;
  seed: number;
  refuseShare: number;
  unsafeValidity: number;
  validity: number;
  minAmount: bigint;
  maxAmount: bigint;
  onRequest?: (request: CreatedRequest) => void;
  signal?: AbortSignal;
}

function checkOptions(info: DevnetInfo, o: TrafficOptions): CheckedOptions {
  const opts: CheckedOptions = {
    count: o.count ?? 10,
    ratePerSecond: o.ratePerSecond ?? 1,
    seed: o.seed ?? 1,
    refuseShare: o.refuseShare ?? 0.2,
    unsafeValidity: o.unsafeValidity ?? 1800,
    validity: o.validity ?? 7200,
    minAmount: o.minAmount ?? 10n ** 17n,
    maxAmount: o.maxAmount ?? 5n * 10n ** 18n,
    onRequest: o.onRequest,
    signal: o.signal,
  };
  const fail = (what: string) => {
    throw new TrafficError(`traffic: ${what}`);
  };
  if (!Number.isInteger(opts.count) || opts.count < 0) {
    fail(`count must be a whole number >= 0, got ${opts.count}`);
  }
  if (!(opts.ratePerSecond > 0) || !Number.isFinite(opts.ratePerSecond)) {
    fail(`rate must be a number of requests per second > 0, got ${opts.ratePerSecond}`);
  }
  if (!Number.isInteger(opts.seed)) fail(`seed must be an integer, got ${opts.seed}`);
  if (!(opts.refuseShare >= 0 && opts.refuseShare <= 1)) {
    fail(`refuse share must be between 0 and 1, got ${opts.refuseShare}`);
  }
  for (
    const [name, value] of [["unsafe validity", opts.unsafeValidity], [
      "validity",
      opts.validity,
    ]] as const
  ) {
    if (!Number.isInteger(value) || value < 1800 || value > 172800) {
      fail(`${name} must be whole seconds within 1800..172800 (contract limits), got ${value}`);
    }
  }
  if (opts.validity <= opts.unsafeValidity) {
    fail(`validity (${opts.validity}) must exceed the unsafe validity (${opts.unsafeValidity})`);
  }
  if (opts.minAmount <= 0n || opts.maxAmount < opts.minAmount) {
    fail(`amounts must satisfy 0 < min (${opts.minAmount}) <= max (${opts.maxAmount})`);
  }
  if (info.rollups.length < 2) fail(`the devnet needs two rollups, it has ${info.rollups.length}`);
  if (info.accounts.users.length === 0) fail("the devnet has no user accounts");
  return opts;
}

function sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
  const ms = at - Date.now();
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

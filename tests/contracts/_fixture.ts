// Single-chain contract fixture: one anvil, every contract deployed and wired the way the
// fact sheet's single-chain test setup does, with DevnetMessengers delivering their own messages
// (on one chain the trusted caller must itself call, so each message loops back through the
// messenger that emitted it, delivered by the relayer account).
import assert from "node:assert/strict";
import {
  type Abi,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  decodeErrorResult,
  defineChain,
  getAddress,
  type Hash,
  type Hex,
  http,
  maxUint256,
  parseAbi,
  parseEventLogs,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  type AnvilInstance,
  increaseTime,
  rpcCall,
  startAnvil,
} from "../../scripts/devnet/anvil.ts";
import { ARTIFACTS } from "../../scripts/devnet/artifacts.ts";
import { DEV_ACCOUNTS } from "../../scripts/devnet/accounts.ts";
import type { DevAccount } from "../../scripts/devnet/types.ts";
import {
  fillManagerAbi,
  mintableTokenAbi,
  requestManagerAbi,
  resolverAbi,
} from "../../lib/chain/abi.ts";
import { requestId } from "../../lib/chain/ids.ts";

/** The DevnetMessenger ABI (devnet-only contract, not part of the agent ABI). */
export const messengerAbi = parseAbi([
  "function sendMessage(address target, bytes message)",
  "function setRelayer(address relayer_)",
  "function relayer() view returns (address)",
  "function deliverMessage(address remoteSender, uint256 remoteNonce, address target, bytes message)",
  "function isDelivered(address remoteSender, uint256 remoteNonce) view returns (bool)",
  "function callAllowed(address caller, address courier) view returns (bool)",
  "function addCaller(address caller)",
  "function addCaller(uint256 callerChainId, address caller, address messenger)",
  "function callers(uint256, uint256) view returns (address)",
  "event MessageSent(uint256 indexed nonce, address indexed target, bytes message)",
  "event MessageDelivered(address indexed remoteSender, uint256 indexed remoteNonce)",
]);

export const CHAIN_ID = 1337;
export const CLAIM_STAKE = 100n;
export const CLAIM_REQUEST_EXTENSION = 100n;
export const CLAIM_PERIOD = 100n;
export const CHALLENGE_PERIOD_EXTENSION = 50n;
export const FINALITY_PERIOD = 200n;
export const TRANSFER_LIMIT = 10_000n * 10n ** 18n;
export const ETH_IN_TOKEN = 1500n * 10n ** 18n;
export const TOKEN_BALANCE = 1_000n * 10n ** 18n;
export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";
export const ZERO_HASH: Hex = "0x0000000000000000000000000000000000000000000000000000000000000000";

/** A contract call: target, ABI, function, arguments, native value. */
export interface Call {
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
  value?: bigint;
}

/** The deployed single-chain world plus helpers. */
export interface Fixture {
  anvil: AnvilInstance;
  client: PublicClient;
  owner: DevAccount;
  relayer: DevAccount;
  lp: DevAccount;
  otherLp: DevAccount;
  users: DevAccount[];
  rm: Address;
  fm: Address;
  resolver: Address;
  l1Messenger: Address;
  l2Messenger: Address;
  token: Address;
}

const chain = defineChain({
  id: CHAIN_ID,
  name: "contracts-test",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1"] } },
});

const wallets = new Map<string, ReturnType<typeof createWalletClient>>();
function wallet(fx: Fixture, who: DevAccount) {
  const key = `${fx.anvil.rpcHttp}|${who.address}`;
  let w = wallets.get(key);
  if (!w) {
    w = createWalletClient({
      account: privateKeyToAccount(who.privateKey),
      chain,
      transport: http(fx.anvil.rpcHttp),
    });
    wallets.set(key, w);
  }
  return w;
}

/** Send a transaction and return its hash without waiting (fixed gas: no estimation). */
export async function sendRaw(fx: Fixture, who: DevAccount, call: Call): Promise<Hash> {
  const w = wallet(fx, who);
  return await w.writeContract({
    address: call.address,
    abi: call.abi,
    functionName: call.functionName,
    args: call.args ?? [],
    value: call.value,
    gas: 3_000_000n,
    account: w.account!,
    chain,
  } as never);
}

/** Send a transaction, wait for it, and assert it succeeded. */
export async function send(fx: Fixture, who: DevAccount, call: Call): Promise<TransactionReceipt> {
  const w = wallet(fx, who);
  let hash: Hash;
  try {
    hash = await w.writeContract({
      address: call.address,
      abi: call.abi,
      functionName: call.functionName,
      args: call.args ?? [],
      value: call.value,
      account: w.account!,
      chain,
    } as never);
  } catch (err) {
    throw new Error(`${call.functionName} failed: ${reasonOf(err) ?? String(err)}`);
  }
  const receipt = await fx.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  assert.equal(receipt.status, "success", `${call.functionName} reverted`);
  return receipt;
}

/** Read a view function. */
export async function read<T>(fx: Fixture, call: Call): Promise<T> {
  return await fx.client.readContract({
    address: call.address,
    abi: call.abi,
    functionName: call.functionName,
    args: call.args ?? [],
  } as never) as T;
}

function reasonOf(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) return reverted.reason ?? undefined;
  return undefined;
}

/** Assert that `call` from `who` reverts with exactly `reason` (Error(string)). */
export async function expectRevert(
  fx: Fixture,
  who: DevAccount,
  call: Call,
  reason: string,
): Promise<void> {
  let error: unknown;
  try {
    await fx.client.simulateContract({
      address: call.address,
      abi: call.abi,
      functionName: call.functionName,
      args: call.args ?? [],
      value: call.value,
      account: who.address,
    } as never);
  } catch (err) {
    error = err;
  }
  assert.ok(error, `${call.functionName} should revert with "${reason}" but succeeded`);
  assert.equal(reasonOf(error), reason, `${call.functionName}: ${String(error)}`);
}

/** The Error(string) reason of a mined, reverted transaction (via debug_traceTransaction). */
export async function minedRevertReason(fx: Fixture, hash: Hash): Promise<string> {
  const trace = await rpcCall<{ output?: Hex; error?: string }>(
    fx.anvil.rpcHttp,
    "debug_traceTransaction",
    [hash, { tracer: "callTracer" }],
  );
  assert.ok(trace.output && trace.output !== "0x", `no revert data: ${JSON.stringify(trace)}`);
  const decoded = decodeErrorResult({ data: trace.output, abi: [] });
  assert.equal(decoded.errorName, "Error");
  return decoded.args[0] as string;
}

/** Decode the logs of a receipt that belong to `address` with `abi`. */
export function eventsOf(receipt: TransactionReceipt, address: Address, abi: Abi) {
  return parseEventLogs({
    abi,
    logs: receipt.logs.filter((l) => l.address.toLowerCase() === address.toLowerCase()),
  }) as unknown as { eventName: string; args: Record<string, unknown> }[];
}

/** Timestamp of the latest block. */
export async function now(fx: Fixture): Promise<bigint> {
  return (await fx.client.getBlock()).timestamp;
}

/** Move the chain clock by `seconds` (and mine a block). */
export async function advance(fx: Fixture, seconds: bigint | number): Promise<void> {
  await increaseTime(fx.anvil.rpcHttp, Number(seconds));
}

/** Native balance of an address. */
export async function ethBalance(fx: Fixture, address: Address): Promise<bigint> {
  return await fx.client.getBalance({ address });
}

/** Token balance of an address. */
export async function tokenBalance(fx: Fixture, address: Address, token?: Address) {
  return await read<bigint>(fx, {
    address: token ?? fx.token,
    abi: mintableTokenAbi,
    functionName: "balanceOf",
    args: [address],
  });
}

/** Shorthands for the three main contracts. */
export const rmCall = (
  fx: Fixture,
  functionName: string,
  args: readonly unknown[] = [],
  value?: bigint,
): Call => ({
  address: fx.rm,
  abi: requestManagerAbi,
  functionName,
  args,
  value,
});
export const fmCall = (fx: Fixture, functionName: string, args: readonly unknown[] = []): Call => ({
  address: fx.fm,
  abi: fillManagerAbi,
  functionName,
  args,
});
export const resolverCall = (
  fx: Fixture,
  functionName: string,
  args: readonly unknown[] = [],
): Call => ({
  address: fx.resolver,
  abi: resolverAbi,
  functionName,
  args,
});

/** A request as created by {@link createRequest}. */
export interface CreatedRequest {
  id: Hex;
  nonce: bigint;
  amount: bigint;
  receiver: Address;
  sender: DevAccount;
  receipt: TransactionReceipt;
}

/** Create a same-chain request of `amount` from users[0] (or `sender`) to itself. */
export async function createRequest(
  fx: Fixture,
  amount = 10n ** 18n,
  options: { sender?: DevAccount; validity?: bigint; receiver?: Address } = {},
): Promise<CreatedRequest> {
  const sender = options.sender ?? fx.users[0];
  const receiver = options.receiver ?? sender.address;
  const receipt = await send(
    fx,
    sender,
    rmCall(fx, "createRequest", [
      BigInt(CHAIN_ID),
      fx.token,
      fx.token,
      receiver,
      amount,
      options.validity ?? 1800n,
    ]),
  );
  const [created] = eventsOf(receipt, fx.rm, requestManagerAbi).filter((e) =>
    e.eventName === "RequestCreated"
  );
  const nonce = created.args.nonce as bigint;
  const id = requestId({
    sourceChainId: CHAIN_ID,
    targetChainId: CHAIN_ID,
    targetTokenAddress: fx.token,
    targetReceiverAddress: receiver,
    amount,
    nonce,
  });
  assert.equal(created.args.requestId, id, "off-chain request id equals RequestCreated's");
  return { id, nonce, amount, receiver, sender, receipt };
}

/** Claim `request` as `claimer` with `fillId`; returns the claim id. */
export async function claim(
  fx: Fixture,
  request: CreatedRequest,
  fillId: Hex,
  claimer: DevAccount = fx.lp,
): Promise<bigint> {
  const receipt = await send(
    fx,
    claimer,
    rmCall(fx, "claimRequest", [request.id, fillId], CLAIM_STAKE),
  );
  const [made] = eventsOf(receipt, fx.rm, requestManagerAbi);
  return made.args.claimId as bigint;
}

/** Fill `request` on the FillManager as `filler`; returns the fill id and the receipt. */
export async function fill(fx: Fixture, request: CreatedRequest, filler: DevAccount = fx.lp) {
  const receipt = await send(
    fx,
    filler,
    fmCall(fx, "fillRequest", [
      BigInt(CHAIN_ID),
      fx.token,
      request.receiver,
      request.amount,
      request.nonce,
    ]),
  );
  const fillId = await read<Hex>(fx, fmCall(fx, "fills", [request.id]));
  return { fillId, receipt };
}

/**
 * Deliver every MessageSent of `messenger` in `receipt` back through the same messenger (on one
 * chain the registered caller must itself make the call), as the relayer. Returns the receipts.
 */
export async function deliverAll(
  fx: Fixture,
  receipt: TransactionReceipt,
  messenger: Address,
): Promise<TransactionReceipt[]> {
  const out: TransactionReceipt[] = [];
  for (const msg of eventsOf(receipt, messenger, messengerAbi)) {
    if (msg.eventName !== "MessageSent") continue;
    out.push(
      await send(fx, fx.relayer, {
        address: messenger,
        abi: messengerAbi,
        functionName: "deliverMessage",
        args: [messenger, msg.args.nonce, msg.args.target, msg.args.message],
      }),
    );
  }
  return out;
}

/** Deliver a fill's (or invalidation's) proof all the way to the RequestManager. */
export async function resolveThroughL1(fx: Fixture, receipt: TransactionReceipt) {
  const [atResolver] = await deliverAll(fx, receipt, fx.l2Messenger);
  assert.ok(atResolver, "the FillManager sent no message");
  const [atManager] = await deliverAll(fx, atResolver, fx.l1Messenger);
  assert.ok(atManager, "the Resolver sent no message");
  return { atResolver, atManager };
}

async function deploy(fx: Partial<Fixture>, name: keyof typeof ARTIFACTS, args: unknown[] = []) {
  const w = wallet(fx as Fixture, DEV_ACCOUNTS.deployer);
  const artifact = ARTIFACTS[name];
  const hash = await w.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args,
    account: w.account!,
    chain,
  } as never);
  const receipt = await fx.client!.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  assert.equal(receipt.status, "success", `deploy ${name}`);
  return getAddress(receipt.contractAddress!);
}

/** Deploy a contract from the artifacts with the owner account (for extra instances in tests). */
export async function deployExtra(fx: Fixture, name: keyof typeof ARTIFACTS, args: unknown[] = []) {
  return await deploy(fx, name, args);
}

/**
 * Start anvil, deploy and wire everything, run `body`, stop anvil. Each `step` runs on a snapshot
 * that is reverted afterwards, so steps do not see each other's state.
 */
export function contractSuite(
  name: string,
  body: (
    step: (title: string, fn: (fx: Fixture) => Promise<void>) => Promise<void>,
  ) => Promise<void>,
): void {
  Deno.test(name, async (t) => {
    const anvil = await startAnvil({ chainId: CHAIN_ID });
    try {
      const fx = await setUp(anvil);
      await body(async (title, fn) => {
        await t.step(title, async () => {
          const snap = await rpcCall<string>(anvil.rpcHttp, "evm_snapshot", []);
          try {
            await fn(fx);
          } finally {
            await rpcCall(anvil.rpcHttp, "evm_setAutomine", [true]);
            await rpcCall(anvil.rpcHttp, "evm_revert", [snap]);
          }
        });
      });
    } finally {
      await anvil.stop();
    }
  });
}

async function setUp(anvil: AnvilInstance): Promise<Fixture> {
  const client = createPublicClient({ chain, transport: http(anvil.rpcHttp) }) as PublicClient;
  const partial: Partial<Fixture> = { anvil, client };
  const token = await deploy(partial, "MintableToken", [10n ** 18n]);
  const l1Messenger = await deploy(partial, "DevnetMessenger");
  const resolver = await deploy(partial, "Resolver");
  const l2Messenger = await deploy(partial, "DevnetMessenger");
  const fm = await deploy(partial, "FillManager", [l2Messenger]);
  const rm = await deploy(partial, "RequestManager", [
    CLAIM_STAKE,
    CLAIM_REQUEST_EXTENSION,
    CLAIM_PERIOD,
    CHALLENGE_PERIOD_EXTENSION,
  ]);
  const fx: Fixture = {
    anvil,
    client,
    owner: DEV_ACCOUNTS.deployer,
    relayer: DEV_ACCOUNTS.relayer,
    lp: DEV_ACCOUNTS.lp,
    otherLp: DEV_ACCOUNTS.otherLp,
    users: DEV_ACCOUNTS.users,
    rm,
    fm,
    resolver,
    l1Messenger,
    l2Messenger,
    token,
  };
  const o = fx.owner;
  const cid = BigInt(CHAIN_ID);
  await send(fx, o, fmCall(fx, "setResolver", [resolver]));
  await send(fx, o, {
    address: l2Messenger,
    abi: messengerAbi,
    functionName: "addCaller",
    args: [fm],
  });
  await send(fx, o, resolverCall(fx, "addCaller", [cid, l2Messenger, l1Messenger]));
  await send(fx, o, resolverCall(fx, "addRequestManager", [cid, rm, l1Messenger]));
  await send(fx, o, {
    address: l1Messenger,
    abi: messengerAbi,
    functionName: "addCaller",
    args: [resolver],
  });
  await send(fx, o, rmCall(fx, "addCaller", [cid, l1Messenger, l2Messenger]));
  for (const m of [l1Messenger, l2Messenger]) {
    await send(fx, o, {
      address: m,
      abi: messengerAbi,
      functionName: "setRelayer",
      args: [fx.relayer.address],
    });
  }
  await send(fx, o, rmCall(fx, "updateFees", [0, 0, 0]));
  await send(fx, o, rmCall(fx, "updateChain", [cid, FINALITY_PERIOD, 0n, 0n]));
  await send(fx, o, rmCall(fx, "updateToken", [token, TRANSFER_LIMIT, ETH_IN_TOKEN]));
  for (const lp of [fx.lp, fx.otherLp]) {
    await send(fx, o, rmCall(fx, "addAllowedLp", [lp.address]));
    await send(fx, o, fmCall(fx, "addAllowedLp", [lp.address]));
  }
  for (const who of [fx.lp, fx.otherLp, ...fx.users]) {
    await send(fx, o, {
      address: token,
      abi: mintableTokenAbi,
      functionName: "mint",
      args: [who.address, TOKEN_BALANCE],
    });
  }
  for (const who of fx.users) {
    await send(fx, who, {
      address: token,
      abi: mintableTokenAbi,
      functionName: "approve",
      args: [rm, maxUint256],
    });
  }
  for (const lp of [fx.lp, fx.otherLp]) {
    await send(fx, lp, {
      address: token,
      abi: mintableTokenAbi,
      functionName: "approve",
      args: [fm, maxUint256],
    });
  }
  return fx;
}

/** withdraw(uint96) as a call. */
export const withdrawCall = (fx: Fixture, claimId: bigint): Call => ({
  address: fx.rm,
  abi: requestManagerAbi,
  functionName: "withdraw",
  args: [claimId],
});

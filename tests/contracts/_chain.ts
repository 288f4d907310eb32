// Chain-level test helpers: send, read, decode reverts and events, move the clock. Protocol
// knowledge lives in _fixture.ts.
import assert from "node:assert/strict";
import {
  type Abi,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createWalletClient,
  decodeErrorResult,
  defineChain,
  type Hash,
  type Hex,
  http,
  parseEventLogs,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type AnvilInstance, increaseTime, rpcCall } from "../../scripts/devnet/anvil.ts";
import type { DevAccount } from "../../scripts/devnet/types.ts";

/** An anvil chain and a public client on it. */
export interface TestChain {
  anvil: AnvilInstance;
  client: PublicClient;
}

/** A viem chain definition for an anvil instance. */
export function chainOf(anvil: AnvilInstance): Chain {
  return defineChain({
    id: anvil.chainId,
    name: `anvil-${anvil.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [anvil.rpcHttp] } },
  });
}

export interface Call {
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
  value?: bigint;
}

const wallets = new Map<string, ReturnType<typeof createWalletClient>>();
export function wallet(fx: TestChain, who: DevAccount) {
  const key = `${fx.anvil.rpcHttp}|${who.address}`;
  let w = wallets.get(key);
  if (!w) {
    w = createWalletClient({
      account: privateKeyToAccount(who.privateKey),
      chain: chainOf(fx.anvil),
      transport: http(fx.anvil.rpcHttp),
    });
    wallets.set(key, w);
  }
  return w;
}

/** Send a transaction and return its hash without waiting (fixed gas: no estimation). */
export async function sendRaw(fx: TestChain, who: DevAccount, call: Call): Promise<Hash> {
  const w = wallet(fx, who);
  return await w.writeContract({
    address: call.address,
    abi: call.abi,
    functionName: call.functionName,
    args: call.args ?? [],
    value: call.value,
    gas: 3_000_000n,
    account: w.account!,
    chain: w.chain,
  } as never);
}

/** Send a transaction, wait for it, and assert it succeeded. */
export async function send(
  fx: TestChain,
  who: DevAccount,
  call: Call,
): Promise<TransactionReceipt> {
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
      chain: w.chain,
    } as never);
  } catch (err) {
    throw new Error(`${call.functionName} failed: ${reasonOf(err) ?? String(err)}`);
  }
  const receipt = await fx.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  assert.equal(receipt.status, "success", `${call.functionName} reverted`);
  return receipt;
}

/** Read a view function. */
export async function read<T>(fx: TestChain, call: Call): Promise<T> {
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
  fx: TestChain,
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
export async function minedRevertReason(fx: TestChain, hash: Hash): Promise<string> {
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
export async function now(fx: TestChain): Promise<bigint> {
  return (await fx.client.getBlock()).timestamp;
}

/** Move the chain clock by `seconds` (and mine a block). */
export async function advance(fx: TestChain, seconds: bigint | number): Promise<void> {
  await increaseTime(fx.anvil.rpcHttp, Number(seconds));
}

/** Native balance of an address. */
export async function ethBalance(fx: TestChain, address: Address): Promise<bigint> {
  return await fx.client.getBalance({ address });
}

/**
 * Test harness for the TxSender: one real anvil, a real KV file, an actor system running the
 * sender and a sink actor that collects outcomes.
 *
 * @module
 */

import {
  type Address,
  concat,
  createPublicClient,
  createWalletClient,
  encodeAbiParameters,
  type Hex,
  http,
  parseTransaction,
  type PublicClient,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { txSenderBehaviors, type TxSenderDeps } from "../../actors/tx_sender.ts";
import { paths, type SendTx, type TxOutcome } from "../../lib/agent/messages.ts";
import { ActorSystem, type Behavior } from "../../lib/runtime/mod.ts";
import { type AnvilInstance, rpcCall, startAnvil } from "../../scripts/devnet/anvil.ts";
import { type TempKv, tempKv } from "../support/kv.ts";

/** anvil's first dev account (a public test key). */
export const LP_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/** anvil's second dev account, used as a plain recipient. */
export const OTHER: Address = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
/** Chain id of the test anvil. */
export const CHAIN_ID = 31_400;
/** Where the sink actor lives. */
export const SINK = "/sink";

/** A running sender on anvil, with the outcomes the sink received. */
export interface Harness {
  anvil: AnvilInstance;
  tkv: TempKv;
  system: ActorSystem;
  client: PublicClient;
  outcomes: TxOutcome[];
  /** Starts (again) the actor system on the same KV, e.g. after a stop. */
  restart(deps?: Partial<TxSenderDeps>, rpcUrl?: string): Promise<void>;
  sendTx(id: string, to: Address, data?: Hex, value?: bigint): void;
  waitOutcome(id: string, timeoutMs?: number): Promise<TxOutcome>;
  stop(): Promise<void>;
}

function sinkBehavior(outcomes: TxOutcome[]): Behavior {
  return {
    kind: "test_sink",
    version: 1,
    persist: false,
    initial: () => ({}),
    handle: (s, msg) => {
      outcomes.push(msg as TxOutcome);
      return { state: s };
    },
  };
}

/** Starts anvil (extra args allowed), a KV file and the system with a sender for CHAIN_ID. */
export async function startHarness(
  deps: Partial<TxSenderDeps> = {},
  anvilArgs: string[] = [],
  rpcUrlOf?: (anvil: AnvilInstance) => string,
): Promise<Harness> {
  const anvil = await startAnvil({ chainId: CHAIN_ID, extraArgs: anvilArgs });
  const tkv = await tempKv();
  const account = privateKeyToAccount(LP_KEY);
  const outcomes: TxOutcome[] = [];
  const client = createPublicClient({ transport: http(anvil.rpcHttp) }) as PublicClient;
  const h: Harness = {
    anvil,
    tkv,
    client,
    outcomes,
    system: undefined as unknown as ActorSystem,
    async restart(more = {}, rpcUrl = rpcUrlOf?.(anvil) ?? anvil.rpcHttp) {
      const c = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }) as PublicClient;
      const all: TxSenderDeps = {
        publicClientFor: () => c,
        account,
        options: { receiptPollMs: 50, rpcTimeoutMs: 2_000 },
        ...deps,
        ...more,
      };
      h.system = await ActorSystem.start({
        kv: tkv.kv,
        behaviors: [...txSenderBehaviors(all), sinkBehavior(outcomes)],
      });
      h.system.spawn(SINK, "test_sink");
      h.system.spawn(paths.txSender(CHAIN_ID), "tx_sender", { chainId: CHAIN_ID });
    },
    sendTx(id, to, data = "0x", value = 1n) {
      const msg: SendTx = {
        type: "SendTx",
        id,
        purpose: "fill",
        to,
        data,
        value: value.toString(),
        replyTo: SINK,
      };
      h.system.send(paths.txSender(CHAIN_ID), msg);
    },
    async waitOutcome(id, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const o = outcomes.find((x) => x.id === id);
        if (o) return o;
        if (Date.now() > deadline) throw new Error(`no TxOutcome for ${id} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      try {
        await h.system?.stop();
      } finally {
        await tkv.cleanup().catch(() => {});
        await anvil.stop();
      }
    },
  };
  try {
    await h.restart();
  } catch (e) {
    await h.stop();
    throw e;
  }
  return h;
}

/** Nonce of LP's account in latest state. */
export async function minedNonce(h: Harness): Promise<number> {
  return await h.client.getTransactionCount({
    address: privateKeyToAccount(LP_KEY).address,
    blockTag: "latest",
  });
}

/** A revert payload `Error(reason)` and a byte formatter for hand-assembled code. */
function revertPayload(reason: string): { payload: string; len: number } {
  const payload = concat(["0x08c379a0", encodeAbiParameters([{ type: "string" }], [reason])]);
  const len = (payload.length - 2) / 2;
  if (len > 255) throw new Error("revert reason too long for these tiny contracts");
  return { payload: payload.slice(2), len };
}

const byte = (n: number) => toHex(n, { size: 1 }).slice(2);

/** Deploys `runtime` (hex without 0x) with a minimal constructor; returns the address. */
async function deployRuntime(h: Harness, runtime: string): Promise<Address> {
  const rlen = runtime.length / 2;
  // PUSH1 rlen PUSH1 12 PUSH1 0 CODECOPY PUSH1 rlen PUSH1 0 RETURN, then the runtime
  const init = `0x60${byte(rlen)}600c600039` + `60${byte(rlen)}6000f3` + runtime;
  const wallet = createWalletClient({
    account: privateKeyToAccount(
      "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    ),
    transport: http(h.anvil.rpcHttp),
  });
  const hash = await wallet.deployContract({ abi: [], bytecode: init as Hex, chain: null });
  const rc = await h.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  return rc.contractAddress!;
}

/** Deploys a contract whose every call reverts with `Error(reason)`. */
export async function deployReverter(h: Harness, reason: string): Promise<Address> {
  const { payload, len } = revertPayload(reason);
  // PUSH1 len PUSH1 12 PUSH1 0 CODECOPY PUSH1 len PUSH1 0 REVERT, then the payload
  return await deployRuntime(h, `60${byte(len)}600c600039` + `60${byte(len)}6000fd` + payload);
}

/** Deploys a contract that accepts calls until block.timestamp passes `until`, then reverts. */
export async function deployDeadline(h: Harness, until: number, reason: string): Promise<Address> {
  const { payload, len } = revertPayload(reason);
  // TIMESTAMP PUSH4 until LT PUSH1 0x0b JUMPI STOP JUMPDEST, then the revert code at 12
  const check = `4263${toHex(until, { size: 4 }).slice(2)}10600b57005b`;
  const revert = `60${byte(len)}6018600039` + `60${byte(len)}6000fd`;
  return await deployRuntime(h, check + revert + payload);
}

/**
 * Deploys a contract that reverts `Error(reason)` until a call with non-empty data sets its flag;
 * a call with empty data then succeeds.
 */
export async function deployLatch(h: Harness, reason: string): Promise<Address> {
  const { payload, len } = revertPayload(reason);
  // CALLDATASIZE PUSH1 set JUMPI PUSH1 0 SLOAD PUSH1 ok JUMPI <revert> set: SSTORE(0,1) STOP ok: STOP
  const head = "36601657" + "600054601d57";
  const revert = `60${byte(len)}601f600039` + `60${byte(len)}6000fd`;
  const set = "5b600160005500";
  const ok = "5b00";
  return await deployRuntime(h, head + revert + set + ok + payload);
}

/** Sends a raw JSON-RPC call to the harness's anvil. */
export function anvilRpc<T>(h: Harness, method: string, params: unknown[]): Promise<T> {
  return rpcCall<T>(h.anvil.rpcHttp, method, params);
}

/** An RPC proxy that can hold `eth_sendRawTransaction` calls (never forwarded) or lose replies. */
export interface RawTxProxy {
  url: string;
  /** "pass": forward; "hold": keep the call, never forward it; "lose": forward, never answer. */
  mode: "pass" | "hold" | "lose";
  /** Raw transactions that reached the proxy, in order. */
  raws: Hex[];
  /** Answer the first raw transaction with this nonce as a node short of funds would. */
  refuseNonce?: number;
  stop(): Promise<void>;
}

/** Starts a {@link RawTxProxy} in front of `target` on a free port. */
export function startRawTxProxy(target: string): RawTxProxy {
  const never = new Promise<Response>(() => {});
  const ac = new AbortController();
  const p: RawTxProxy = {
    url: "",
    mode: "pass",
    raws: [],
    stop: async () => {
      ac.abort();
      await server.finished.catch(() => {});
    },
  };
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", signal: ac.signal, onListen: () => {} },
    async (req) => {
      const body = await req.text();
      const parsed = JSON.parse(body) as { method?: string; params?: unknown[] };
      const raw = parsed.method === "eth_sendRawTransaction";
      if (raw) p.raws.push(parsed.params![0] as Hex);
      if (raw && parseTransaction(parsed.params![0] as Hex).nonce === p.refuseNonce) {
        p.refuseNonce = undefined;
        return Response.json({
          jsonrpc: "2.0",
          id: (parsed as { id?: unknown }).id,
          error: { code: -32003, message: "insufficient funds for gas * price + value" },
        });
      }
      if (raw && p.mode === "hold") return await Promise.race([never, aborted(ac.signal)]);
      const res = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const text = await res.text();
      if (raw && p.mode === "lose") return await Promise.race([never, aborted(ac.signal)]);
      return new Response(text, {
        status: res.status,
        headers: { "content-type": "application/json" },
      });
    },
  );
  p.url = `http://127.0.0.1:${server.addr.port}`;
  return p;
}

function aborted(signal: AbortSignal): Promise<Response> {
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(new Response("stopped", { status: 503 })))
  );
}

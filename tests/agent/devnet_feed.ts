/**
 * Test-only plumbing for the devnet test of the request side: real logs read with viem
 * `getLogs` and decoded into BridgeEvents, real chain views, and a tiny transaction actor that
 * signs with the devnet LP key. (The agent's ChainWatcher and TxSender replace these.)
 *
 * @module
 */
import {
  type Abi,
  BaseError,
  createPublicClient,
  http,
  parseEventLogs,
  type PublicClient,
} from "viem";
import { devnetPublicClient, devnetWalletClient } from "../../scripts/devnet/clients.ts";
import { erc20Abi, fillManagerAbi, requestManagerAbi } from "../../lib/chain/abi.ts";
import type {
  Address,
  BridgeEvent,
  ChainView,
  EventRef,
  Hex,
  RouterMsg,
  SendTx,
  TxOutcome,
} from "../../lib/agent/messages.ts";
import type { Behavior } from "../../lib/runtime/types.ts";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import { requestRouterBehaviors } from "../../actors/requests.ts";
import { devnetConfigToml } from "../../lib/agent/devnet_config.ts";
import { settingsFromConfig } from "../../lib/agent/settings.ts";
import { parseConfig } from "../../lib/config/mod.ts";
import { paths, type StatusReport } from "../../lib/agent/messages.ts";
import type { DevAccount, DevnetInfo, DevnetRollupInfo } from "../../scripts/devnet/types.ts";

const lower = (a: string) => a.toLowerCase() as Address;
const abi = [...requestManagerAbi, ...fillManagerAbi] as Abi;

/** Decodes one log into a BridgeEvent (undefined for events the agent does not act on). */
function toBridgeEvent(name: string, a: Record<string, unknown>): BridgeEvent | undefined {
  const s = (k: string) => String(a[k]);
  const h = (k: string) => lower(String(a[k])) as Hex;
  switch (name) {
    case "RequestCreated":
      return {
        type: name,
        requestId: h("requestId"),
        targetChainId: Number(a.targetChainId),
        sourceToken: h("sourceTokenAddress"),
        targetToken: h("targetTokenAddress"),
        sourceAddress: h("sourceAddress"),
        targetAddress: h("targetAddress"),
        amount: s("amount"),
        nonce: s("nonce"),
        validUntil: Number(a.validUntil),
        lpFee: s("lpFee"),
        protocolFee: s("protocolFee"),
      };
    case "RequestFilled":
      return {
        type: name,
        requestId: h("requestId"),
        fillId: h("fillId"),
        sourceChainId: Number(a.sourceChainId),
        targetToken: h("targetTokenAddress"),
        filler: h("filler"),
        amount: s("amount"),
      };
    case "FillInvalidated":
    case "FillInvalidatedResolved":
      return { type: name, requestId: h("requestId"), fillId: h("fillId") };
    case "ClaimMade":
      return {
        type: name,
        requestId: h("requestId"),
        claimId: s("claimId"),
        claimer: h("claimer"),
        claimerStake: s("claimerStake"),
        lastChallenger: h("lastChallenger"),
        challengerStakeTotal: s("challengerStakeTotal"),
        termination: Number(a.termination),
        fillId: h("fillId"),
      };
    case "ClaimStakeWithdrawn":
      return {
        type: name,
        claimId: s("claimId"),
        requestId: h("requestId"),
        stakeRecipient: h("stakeRecipient"),
      };
    case "DepositWithdrawn":
      return { type: name, requestId: h("requestId"), receiver: h("receiver") };
    case "RequestResolved":
      return { type: name, requestId: h("requestId"), filler: h("filler"), fillId: h("fillId") };
  }
  return undefined;
}

/** Reads one rollup's bridge logs and views, and hands them to a router. */
export class RollupFeed {
  readonly client: PublicClient;
  #next: bigint;
  constructor(readonly rollup: DevnetRollupInfo, readonly info: DevnetInfo, readonly lp: Address) {
    this.client = createPublicClient({ transport: http(rollup.rpcHttp) });
    this.#next = BigInt(rollup.deploymentBlock);
  }

  /** Reads new logs up to the head; returns router messages (events first, then the view). */
  async poll(): Promise<RouterMsg[]> {
    const head = await this.client.getBlockNumber();
    const out: RouterMsg[] = [];
    if (head >= this.#next) {
      const logs = await this.client.getLogs({
        address: [this.rollup.requestManager, this.rollup.fillManager],
        fromBlock: this.#next,
        toBlock: head,
      });
      const stamps = new Map<bigint, number>();
      for (const log of parseEventLogs({ abi, logs })) {
        const event = toBridgeEvent(log.eventName, log.args as Record<string, unknown>);
        if (!event) continue;
        const n = log.blockNumber;
        if (!stamps.has(n)) {
          stamps.set(n, Number((await this.client.getBlock({ blockNumber: n })).timestamp));
        }
        const ref: EventRef = {
          chainId: this.rollup.chainId,
          blockNumber: Number(n),
          blockHash: log.blockHash,
          logIndex: log.logIndex,
          txHash: log.transactionHash,
          timestamp: stamps.get(n)!,
          key: `${log.blockHash}:${log.logIndex}`,
        };
        out.push({
          type: "route",
          id: event.requestId.toLowerCase(),
          msg: { type: "Event", event, ref },
        });
      }
      this.#next = head + 1n;
    }
    out.push({ type: "View", view: await this.view(head) });
    return out;
  }

  async view(head: bigint): Promise<ChainView> {
    const c = this.client;
    const rm = this.rollup.requestManager;
    const fm = this.rollup.fillManager;
    const read = (
      functionName: string,
      args: unknown[] = [],
      address = rm,
      a: Abi = requestManagerAbi,
    ) => c.readContract({ address, abi: a, functionName, args } as never) as Promise<unknown>;
    const block = await c.getBlock({ blockNumber: head });
    const token = this.rollup.tokens.TST;
    const finalityPeriods: Record<string, number> = {};
    for (const r of this.info.rollups) {
      const [f] = await read("chains", [BigInt(r.chainId)]) as [bigint];
      finalityPeriods[String(r.chainId)] = Number(f);
    }
    return {
      chainId: this.rollup.chainId,
      head: Number(head),
      synced: Number(head),
      timestamp: Number(block.timestamp),
      at: Date.now(),
      rpcOk: true,
      rpcUrl: this.rollup.rpcHttp,
      nativeBalance: String(await c.getBalance({ address: this.lp })),
      tokens: {
        [lower(token)]: {
          balance: String(await read("balanceOf", [this.lp], token, erc20Abi)),
          allowance: String(await read("allowance", [this.lp, fm], token, erc20Abi)),
        },
      },
      params: {
        claimStake: String(await read("claimStake")),
        claimPeriod: Number(await read("claimPeriod")),
        claimRequestExtension: Number(await read("claimRequestExtension")),
        challengePeriodExtension: Number(await read("challengePeriodExtension")),
        finalityPeriods,
        lpAllowedOnRequestManager: Boolean(await read("allowedLps", [this.lp])),
        lpAllowedOnFillManager: Boolean(await read("allowedLps", [this.lp], fm, fillManagerAbi)),
      },
    };
  }
}

/** The L1 view (gas price only matters to the decisions). */
export async function l1View(info: DevnetInfo): Promise<ChainView> {
  const c = createPublicClient({ transport: http(info.l1.rpcHttp) });
  const head = await c.getBlockNumber();
  const block = await c.getBlock({ blockNumber: head });
  return {
    chainId: info.l1.chainId,
    head: Number(head),
    synced: Number(head),
    timestamp: Number(block.timestamp),
    at: Date.now(),
    rpcOk: true,
    rpcUrl: info.l1.rpcHttp,
    nativeBalance: "0",
    tokens: {},
    gasPrice: String(await c.getGasPrice()),
  };
}

function reasonOf(e: unknown): string {
  if (e instanceof BaseError) {
    const inner = e.walk((x) => typeof (x as { reason?: unknown }).reason === "string") as
      | { reason?: string }
      | null;
    return inner?.reason ?? e.details ?? e.shortMessage;
  }
  return String(e);
}

/**
 * A test-only transaction actor (kind `test-tx`, at `/chain:<id>/tx`): sends each SendTx once,
 * signed with the devnet LP key, and answers with a TxOutcome.
 */
export function testTxBehavior(info: DevnetInfo, lp: DevAccount): Behavior {
  const rollupOf = (chainId: number) => info.rollups.find((r) => r.chainId === chainId)!;
  let queue = Promise.resolve();
  const b: Behavior<{ sent: string[] }, SendTx | { type: "done"; outcome: TxOutcome; to: string }> =
    {
      kind: "test-tx",
      version: 1,
      persist: false,
      initial: () => ({ sent: [] }),
      handle(state, msg, ctx) {
        if (msg.type === "done") return { state, effects: [ctx.send(msg.to, msg.outcome)] };
        if (state.sent.includes(msg.id)) return { state };
        const chainId = Number(ctx.self.split("/")[1].split(":")[1]);
        const rollup = rollupOf(chainId);
        const run = async (): Promise<TxOutcome> => {
          const wallet = devnetWalletClient(rollup, lp, { timeoutMs: 10_000 });
          const pub = devnetPublicClient(rollup, { timeoutMs: 10_000 });
          const base = { type: "TxOutcome" as const, id: msg.id, purpose: msg.purpose };
          try {
            const hash = await wallet.sendTransaction({
              to: msg.to,
              data: msg.data,
              value: BigInt(msg.value),
            });
            const r = await pub.waitForTransactionReceipt({ hash, timeout: 20_000 });
            return {
              ...base,
              status: r.status === "success" ? "mined" : "reverted",
              hash,
              blockNumber: Number(r.blockNumber),
            };
          } catch (e) {
            return { ...base, status: "reverted", reason: reasonOf(e) };
          }
        };
        // one transaction at a time per process keeps the LP's nonces in order
        const job = queue.then(run);
        queue = job.then(() => {}, () => {});
        return {
          state: { sent: [...state.sent, msg.id] },
          effects: [
            ctx.task("send", () => job, (r) => ({
              type: "done",
              to: msg.replyTo,
              outcome: r.ok ? r.value : {
                type: "TxOutcome",
                id: msg.id,
                purpose: msg.purpose,
                status: "failed",
                reason: r.ok ? undefined : r.error,
              },
            }), { timeoutMs: 30_000 }),
          ],
        };
      },
    };
  return b as Behavior;
}

/** The request side running against a devnet, fed by {@link RollupFeed}s. */
export interface RequestSide {
  system: ActorSystem;
  reports: StatusReport[];
  stop(): Promise<void>;
}

/** Starts router, request actors, test tx actors and a status recorder, and the feed loop. */
export async function startRequestSide(
  info: DevnetInfo,
  kv: Deno.Kv,
  dataDir: string,
): Promise<RequestSide> {
  const lp = info.accounts.lp;
  const toml = devnetConfigToml(info, { dataDir, keystore: `${dataDir}/lp.json` });
  const config = parseConfig(toml, { checkFiles: false, requireSecrets: false });
  const settings = settingsFromConfig(config, lp.address, { l1Relay: "devnet" });
  const reports: StatusReport[] = [];
  const statusSink: Behavior<null, StatusReport> = {
    kind: "test-status",
    version: 1,
    persist: false,
    initial: () => null,
    handle: (s, m) => {
      reports.push(m);
      return { state: s };
    },
  };
  const system = await ActorSystem.start({
    kv,
    behaviors: [
      ...requestRouterBehaviors(settings),
      testTxBehavior(info, lp),
      statusSink as Behavior,
    ],
  });
  system.spawn(paths.requests, "requests");
  system.spawn(paths.status, "test-status");
  for (const r of info.rollups) system.spawn(paths.txSender(r.chainId), "test-tx");
  const feeds = info.rollups.map((r) => new RollupFeed(r, info, lp.address));
  let polling = true;
  const feeding = (async () => {
    while (polling) {
      system.send(paths.requests, { type: "View", view: await l1View(info) });
      for (const f of feeds) for (const m of await f.poll()) system.send(paths.requests, m);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    system,
    reports,
    async stop() {
      polling = false;
      await feeding.catch(() => {}); // a read cut short by the stop
      await system.stop();
    },
  };
}

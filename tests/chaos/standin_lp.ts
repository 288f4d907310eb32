/**
 * TEST FIXTURE — a stand-in LP, not tern's agent. It lets the chaos orchestration and the
 * invariants be exercised without the agent: it reads a tern TOML config and keystore, watches
 * RequestCreated on every configured rollup, fills TST requests (skipping unsafe ones and those
 * above its balance), claims its fills, withdraws them, and challenges claims without a fill.
 * It keeps nothing on disk: after a restart it rebuilds its view from the chains.
 *
 * `deno run -A tests/chaos/standin_lp.ts <config.toml> [--misbehave double-fill,wrong-fill]`
 * - `double-fill`: sends a second fillRequest right after each fill (it reverts on chain).
 * - `wrong-fill`: ignores the unsafe fill time (fills requests it must refuse).
 *
 * @module
 */
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  fallback,
  getAddress,
  type Hex,
  http,
  maxUint256,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { parse } from "smol-toml";
import { erc20Abi, fillManagerAbi, requestManagerAbi } from "../../lib/chain/abi.ts";
import { readKeystoreFile } from "../../lib/keystore/mod.ts";

interface ChainCfg {
  chain_id: number;
  name: string;
  rpc_urls: string[];
  request_manager: Hex;
  fill_manager: Hex;
  deployment_block: number;
}

interface Req {
  id: Hex;
  source: number;
  target: number;
  targetToken: Hex;
  receiver: Hex;
  amount: bigint;
  nonce: bigint;
  validUntil: number;
}

interface Claim {
  chain: number;
  claimId: bigint;
  requestId: Hex;
  claimer: Hex;
  fillId: Hex;
  claimerStake: bigint;
  challengerStakeTotal: bigint;
  termination: bigint;
  challengers: Set<string>;
  withdrawnBy: Set<string>;
  /** Chain time the claim was made (its first termination minus the claim period). */
  madeAt: bigint;
}

const [configPath, ...rest] = Deno.args;
const misbehave = new Set((rest[rest.indexOf("--misbehave") + 1] ?? "").split(","));
if (!rest.includes("--misbehave")) misbehave.clear();
const cfg = parse(await Deno.readTextFile(configPath)) as unknown as {
  agent: { unsafe_fill_time: number; fill_wait_time: number };
  account: { keystore: string };
  chains: ChainCfg[];
  tokens: { TST: { chains: { chain_id: number; address: Hex }[] } };
};
const key = await readKeystoreFile(
  cfg.account.keystore,
  Deno.env.get("TERN_KEYSTORE_PASSWORD") ?? "",
);
const account = privateKeyToAccount(key);
const me = account.address.toLowerCase();
const lower = (s: string) => s.toLowerCase();

let stopping = false;
Deno.addSignalListener("SIGTERM", () => {
  stopping = true;
  Deno.exit(0);
});

const chains = new Map(cfg.chains.map((c) => {
  const chain: Chain = defineChain({
    id: c.chain_id,
    name: c.name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: c.rpc_urls } },
  });
  const transport = fallback(c.rpc_urls.map((u) => http(u, { timeout: 2500, retryCount: 0 })), {
    retryCount: 4,
  });
  const tst = cfg.tokens.TST.chains.find((t) => t.chain_id === c.chain_id)!.address;
  return [c.chain_id, {
    cfg: c,
    tst: getAddress(tst),
    reader: createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 100 }),
    wallet: createWalletClient({ account, chain, transport, cacheTime: 0 }),
    from: BigInt(c.deployment_block),
    now: 0n,
  }];
}));

const requests = new Map<string, Req>();
const fills = new Map<string, { filler: string; fillId: Hex }>();
const resolved = new Set<string>();
const deposits = new Set<string>();
const claims = new Map<string, Claim>();
let claimStake = 0n;
let claimPeriod = 0n;

async function send(chainId: number, write: () => Promise<Hex>): Promise<boolean> {
  const c = chains.get(chainId)!;
  try {
    const hash = await write();
    const receipt = await c.reader.waitForTransactionReceipt({ hash, timeout: 20_000 });
    return receipt.status === "success";
  } catch (e) {
    console.error(`standin: tx on ${chainId} failed: ${e instanceof Error ? e.message : e}`);
    return false;
  }
}

async function scan(): Promise<void> {
  for (const [chainId, c] of chains) {
    const head = await c.reader.getBlock();
    c.now = head.timestamp;
    if (head.number < c.from) continue;
    const range = { fromBlock: c.from, toBlock: head.number, strict: true } as const;
    const rm = await c.reader.getContractEvents({
      address: c.cfg.request_manager,
      abi: requestManagerAbi,
      ...range,
    });
    const fm = await c.reader.getContractEvents({
      address: c.cfg.fill_manager,
      abi: fillManagerAbi,
      eventName: "RequestFilled",
      ...range,
    });
    for (const log of rm) {
      if (log.eventName === "RequestCreated") {
        const a = log.args;
        requests.set(lower(a.requestId), {
          id: a.requestId,
          source: chainId,
          target: Number(a.targetChainId),
          targetToken: a.targetTokenAddress,
          receiver: a.targetAddress,
          amount: a.amount,
          nonce: a.nonce,
          validUntil: Number(a.validUntil),
        });
      } else if (log.eventName === "ClaimMade") {
        const a = log.args;
        const k = `${chainId}:${a.claimId}`;
        const old = claims.get(k);
        const claim: Claim = {
          chain: chainId,
          claimId: a.claimId,
          requestId: a.requestId,
          claimer: a.claimer,
          fillId: a.fillId,
          claimerStake: a.claimerStake,
          challengerStakeTotal: a.challengerStakeTotal,
          termination: a.termination,
          challengers: old?.challengers ?? new Set(),
          withdrawnBy: old?.withdrawnBy ?? new Set(),
          madeAt: old?.madeAt ?? a.termination - claimPeriod,
        };
        if (a.challengerStakeTotal > 0n) claim.challengers.add(lower(a.lastChallenger));
        claims.set(k, claim);
      } else if (log.eventName === "ClaimStakeWithdrawn") {
        claims.get(`${chainId}:${log.args.claimId}`)?.withdrawnBy.add(
          lower(log.args.stakeRecipient),
        );
      } else if (log.eventName === "DepositWithdrawn") {
        deposits.add(lower(log.args.requestId));
      } else if (log.eventName === "RequestResolved") {
        resolved.add(lower(log.args.requestId));
      }
    }
    for (const log of fm) {
      fills.set(lower(log.args.requestId), {
        filler: lower(log.args.filler),
        fillId: log.args.fillId,
      });
    }
    c.from = head.number + 1n;
  }
}

async function fillOne(r: Req): Promise<void> {
  const t = chains.get(r.target)!;
  if (lower(r.targetToken) !== lower(t.tst)) return; // only TST is configured
  const remaining = r.validUntil - Number(chains.get(r.source)!.now);
  if (remaining <= 0) return;
  if (!misbehave.has("wrong-fill") && remaining <= cfg.agent.unsafe_fill_time) return;
  const onChain = await t.reader.readContract({
    address: t.cfg.fill_manager,
    abi: fillManagerAbi,
    functionName: "fills",
    args: [r.id],
  });
  if (BigInt(onChain) !== 0n) return;
  const balance = await t.reader.readContract({
    address: t.tst,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [account.address],
  });
  if (balance < r.amount) return;
  const args = [BigInt(r.source), t.tst, r.receiver, r.amount, r.nonce] as const;
  await send(
    r.target,
    () =>
      t.wallet.writeContract({
        address: t.cfg.fill_manager,
        abi: fillManagerAbi,
        functionName: "fillRequest",
        args,
      }),
  );
  if (misbehave.has("double-fill")) {
    // A fixed gas limit skips estimation, so the doomed second fill is really mined.
    await send(r.target, () =>
      t.wallet.writeContract({
        address: t.cfg.fill_manager,
        abi: fillManagerAbi,
        functionName: "fillRequest",
        args,
        gas: 300_000n,
      }));
  }
}

async function tick(): Promise<void> {
  await scan();
  await settle();
  // Fills get a time budget per tick so disputes and claims are never starved behind them.
  const budgetEnd = Date.now() + 3000;
  for (const r of requests.values()) {
    if (stopping || Date.now() > budgetEnd) return;
    if (!fills.has(lower(r.id)) && !deposits.has(lower(r.id))) await fillOne(r);
  }
}

async function settle(): Promise<void> {
  // Disputes always run; withdrawals and claims share a time budget so a long backlog of them
  // cannot delay the next tick's disputes.
  const until = Date.now() + 4000;
  // Disputes first: their deadline is the shortest.
  const ordered = [...claims.values()].sort((a, b) =>
    Number(lower(a.claimer) === me) - Number(lower(b.claimer) === me)
  );
  for (const c of ordered) {
    if (stopping) return;
    const s = chains.get(c.chain)!;
    const fill = fills.get(lower(c.requestId));
    const honest = fill !== undefined && fill.filler === lower(c.claimer) &&
      lower(fill.fillId) === lower(c.fillId);
    const ours = lower(c.claimer) === me;
    if (ours && Date.now() > until) continue;
    const over = s.now >= c.termination;
    const withdrawable = over || resolved.has(lower(c.requestId));
    if (ours && withdrawable && c.withdrawnBy.size === 0 && honest) {
      await send(c.chain, () =>
        s.wallet.writeContract({
          address: s.cfg.request_manager,
          abi: requestManagerAbi,
          functionName: "withdraw",
          args: [c.claimId],
        }));
    } else if (!ours && !honest && !over && c.claimerStake > c.challengerStakeTotal) {
      // Wait for a fill from the claim's own time on chain, so a restart does not start over.
      if (s.now - c.madeAt < BigInt(cfg.agent.fill_wait_time)) continue;
      if (resolved.has(lower(c.requestId))) continue;
      await send(c.chain, () =>
        s.wallet.writeContract({
          address: s.cfg.request_manager,
          abi: requestManagerAbi,
          functionName: "challengeClaim",
          args: [c.claimId],
          value: c.claimerStake - c.challengerStakeTotal + 1n,
        }));
    } else if (!ours && c.challengers.has(me) && over && !c.withdrawnBy.has(me) && !honest) {
      await send(c.chain, () =>
        s.wallet.writeContract({
          address: s.cfg.request_manager,
          abi: requestManagerAbi,
          functionName: "withdraw",
          args: [c.claimId],
        }));
    }
  }
  const mine = [...claims.values()].filter((c) => lower(c.claimer) === me);
  for (const [id, f] of fills) {
    if (stopping || Date.now() > until) return;
    if (f.filler !== me || deposits.has(id)) continue;
    if (mine.some((c) => lower(c.requestId) === id)) continue;
    const r = requests.get(id);
    if (!r) continue;
    const s = chains.get(r.source)!;
    await send(r.source, () =>
      s.wallet.writeContract({
        address: s.cfg.request_manager,
        abi: requestManagerAbi,
        functionName: "claimRequest",
        args: [r.id, f.fillId],
        value: claimStake,
      }));
  }
}

async function init(): Promise<void> {
  for (const c of chains.values()) {
    claimPeriod = await c.reader.readContract({
      address: c.cfg.request_manager,
      abi: requestManagerAbi,
      functionName: "claimPeriod",
    });
    claimStake = await c.reader.readContract({
      address: c.cfg.request_manager,
      abi: requestManagerAbi,
      functionName: "claimStake",
    });
    const allowance = await c.reader.readContract({
      address: c.tst,
      abi: erc20Abi,
      functionName: "allowance",
      args: [account.address, c.cfg.fill_manager],
    });
    if (allowance >= maxUint256 / 2n) continue;
    const ok = await send(c.cfg.chain_id, () =>
      c.wallet.writeContract({
        address: c.tst,
        abi: erc20Abi,
        functionName: "approve",
        args: [c.cfg.fill_manager, maxUint256],
      }));
    if (!ok) throw new Error(`approving the FillManager on ${c.cfg.chain_id} failed`);
  }
}

// Start-up goes through the faulty RPC too: retry it until it succeeds.
for (;;) {
  try {
    await init();
    break;
  } catch (e) {
    console.error(`standin: start-up: ${e instanceof Error ? e.message.split("\n")[0] : e}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
// The line tern prints once it is up; the chaos run waits for it before its timed SIGTERM.
console.log("tern: agent running (test stand-in LP)");
while (!stopping) {
  try {
    await tick();
  } catch (e) {
    console.error(`standin: ${e instanceof Error ? e.message.split("\n")[0] : e}`);
  }
  await new Promise((r) => setTimeout(r, 250));
}

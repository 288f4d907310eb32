/**
 * Deploy and wire the Beamer-compatible devnet contracts on one L1 and N rollups: Resolver on
 * L1; per rollup a RequestManager, a FillManager, a DevnetMessenger pair (one on the rollup, one
 * on L1), the TST and UNL tokens; then fees, chains, tokens, LP whitelists, relayer, balances and
 * user approvals.
 *
 * @module
 */
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  type Hash,
  http,
  maxUint256,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEV_ACCOUNTS } from "./accounts.ts";
import { type Artifact, ARTIFACTS } from "./artifacts.ts";
import type {
  DevAccount,
  DevAccounts,
  DevnetInfo,
  DevnetParams,
  DevnetRollupInfo,
} from "./types.ts";

export { ANVIL_ACCOUNTS, ANVIL_MNEMONIC, DEV_ACCOUNTS } from "./accounts.ts";

/** Where a chain is reachable; the deploy adds the contract addresses. */
export interface ChainEndpoint {
  /** "l1", "rollup-a", … */
  name: string;
  /** EVM chain id (must match what the node reports). */
  chainId: number;
  /** http:// JSON-RPC URL used for deployment. */
  rpcHttp: string;
  /** ws:// JSON-RPC URL, passed through to DevnetInfo. */
  rpcWs: string;
}

/** Token amounts minted by the deploy (base units, 18 decimals). */
export interface DevnetFunding {
  /** TST minted to lp and otherLp on every rollup. */
  lpTokens: bigint;
  /** TST and UNL minted to every user on every rollup. */
  userTokens: bigint;
}

/** Everything {@link deployDevnet} needs. */
export interface DeployOptions {
  /** The base chain. */
  l1: ChainEndpoint;
  /** The rollups (at least one). */
  rollups: ChainEndpoint[];
  /** Protocol parameters (defaults: {@link DEFAULT_PARAMS}). */
  params?: DevnetParams;
  /** Dev accounts (defaults: {@link DEV_ACCOUNTS}). */
  accounts?: DevAccounts;
  /** Token balances (defaults: {@link DEFAULT_FUNDING}). */
  funding?: DevnetFunding;
}

/** Parameters for a demo-speed devnet: short claim and challenge periods. */
export const DEFAULT_PARAMS: DevnetParams = {
  claimStake: "1000000000000000", // 0.001 ETH
  claimPeriod: 60,
  claimRequestExtension: 60,
  challengePeriodExtension: 30,
  finalityPeriod: 5,
  relayDelayMs: 1000,
  minFeePPM: 0,
  lpFeePPM: 1000,
  protocolFeePPM: 0,
  transferLimit: "10000000000000000000000", // 10_000 tokens
  ethInToken: "1500000000000000000000", // 1500 tokens per ETH
};

/** Default balances: 100_000 TST per LP, 10_000 TST and UNL per user, on every rollup. */
export const DEFAULT_FUNDING: DevnetFunding = {
  lpTokens: 100_000n * 10n ** 18n,
  userTokens: 10_000n * 10n ** 18n,
};

/** A deployment transaction failed; says which step on which chain. */
export class DeployError extends Error {
  /** Chain name the step ran on. */
  readonly chain: string;
  /** What was being done, e.g. "deploy RequestManager" or "RequestManager.updateFees". */
  readonly step: string;
  /** Creates a DeployError. */
  constructor(chain: string, step: string, cause: unknown) {
    super(`devnet deploy failed on ${chain} at ${step}: ${describe(cause)}`, { cause });
    this.name = "DeployError";
    this.chain = chain;
    this.step = step;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return (err as { shortMessage?: string }).shortMessage ?? err.message;
  return String(err);
}

/** One chain as seen by one signer, with the first block it deployed in. */
class ChainDeployer {
  readonly endpoint: ChainEndpoint;
  readonly publicClient: PublicClient;
  readonly #wallets = new Map<Address, ReturnType<typeof createWalletClient>>();
  readonly #chain;
  firstBlock: number | undefined;

  constructor(endpoint: ChainEndpoint) {
    this.endpoint = endpoint;
    this.#chain = defineChain({
      id: endpoint.chainId,
      name: endpoint.name,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [endpoint.rpcHttp], webSocket: [endpoint.rpcWs] } },
    });
    this.publicClient = createPublicClient({
      chain: this.#chain,
      transport: http(endpoint.rpcHttp),
    }) as PublicClient;
  }

  #wallet(signer: DevAccount) {
    let wallet = this.#wallets.get(signer.address);
    if (!wallet) {
      wallet = createWalletClient({
        account: privateKeyToAccount(signer.privateKey),
        chain: this.#chain,
        transport: http(this.endpoint.rpcHttp),
      });
      this.#wallets.set(signer.address, wallet);
    }
    return wallet;
  }

  async #confirm(step: string, send: () => Promise<Hash>): Promise<TransactionReceipt> {
    let receipt: TransactionReceipt;
    try {
      const hash = await send();
      receipt = await this.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    } catch (err) {
      throw new DeployError(this.endpoint.name, step, err);
    }
    if (receipt.status !== "success") {
      throw new DeployError(
        this.endpoint.name,
        step,
        `transaction ${receipt.transactionHash} reverted`,
      );
    }
    this.firstBlock ??= Number(receipt.blockNumber);
    return receipt;
  }

  /** Deploy `artifact` with constructor `args`; returns its address. */
  async deploy(signer: DevAccount, artifact: Artifact, args: readonly unknown[] = []) {
    const step = `deploy ${artifact.contractName}`;
    const wallet = this.#wallet(signer);
    const receipt = await this.#confirm(step, () =>
      wallet.deployContract({
        abi: artifact.abi,
        bytecode: artifact.bytecode,
        args,
        account: wallet.account!,
        chain: this.#chain,
      }));
    if (!receipt.contractAddress) {
      throw new DeployError(this.endpoint.name, step, "receipt has no contract address");
    }
    return getAddress(receipt.contractAddress);
  }

  /** Call `functionName` on `address` and wait until it is mined successfully. */
  async call(
    signer: DevAccount,
    label: string,
    address: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[],
  ): Promise<TransactionReceipt> {
    const wallet = this.#wallet(signer);
    return await this.#confirm(`${label}.${functionName}`, () =>
      wallet.writeContract({
        address,
        abi,
        functionName,
        args,
        account: wallet.account!,
        chain: this.#chain,
      }));
  }

  /** Fail early when the node's chain id differs from the configured one. */
  async checkChainId(): Promise<void> {
    let actual: number;
    try {
      actual = await this.publicClient.getChainId();
    } catch (err) {
      throw new DeployError(this.endpoint.name, `eth_chainId at ${this.endpoint.rpcHttp}`, err);
    }
    if (actual !== this.endpoint.chainId) {
      throw new DeployError(
        this.endpoint.name,
        "eth_chainId",
        `node reports chain id ${actual}, configured ${this.endpoint.chainId}`,
      );
    }
  }
}

const { RequestManager, FillManager, Resolver, DevnetMessenger, MintableToken } = ARTIFACTS;
const NamedToken = ARTIFACTS.NamedMintableToken;

/**
 * Deploy, wire, configure and fund the whole devnet; returns devnet.json's content.
 *
 * @example
 * ```ts
 * const info = await deployDevnet({ l1: { name: "l1", chainId: 31337, rpcHttp, rpcWs },
 *   rollups: [{ name: "rollup-a", chainId: 31338, rpcHttp: a, rpcWs: aWs }] });
 * ```
 */
export async function deployDevnet(options: DeployOptions): Promise<DevnetInfo> {
  const params = options.params ?? DEFAULT_PARAMS;
  const accounts = options.accounts ?? DEV_ACCOUNTS;
  const funding = options.funding ?? DEFAULT_FUNDING;
  if (options.rollups.length === 0) {
    throw new DeployError(options.l1.name, "options", "at least one rollup is needed");
  }
  const ids = [options.l1, ...options.rollups].map((c) => c.chainId);
  if (new Set(ids).size !== ids.length) {
    throw new DeployError(options.l1.name, "options", `chain ids must differ, got ${ids}`);
  }
  const owner = accounts.deployer;

  const l1 = new ChainDeployer(options.l1);
  const rollups = options.rollups.map((r) => new ChainDeployer(r));
  await Promise.all([l1, ...rollups].map((c) => c.checkChainId()));

  // 1. L1: one Resolver for all rollups
  const resolver = await l1.deploy(owner, Resolver);

  // 2. per rollup: managers and messenger pair; L1 transactions stay sequential (one nonce line)
  const infos: DevnetRollupInfo[] = [];
  for (const rollup of rollups) {
    const chainId = BigInt(rollup.endpoint.chainId);
    const requestManager = await rollup.deploy(owner, RequestManager, [
      BigInt(params.claimStake),
      BigInt(params.claimRequestExtension),
      BigInt(params.claimPeriod),
      BigInt(params.challengePeriodExtension),
    ]);
    const l1Messenger = await l1.deploy(owner, DevnetMessenger);
    const messenger = await rollup.deploy(owner, DevnetMessenger);
    const fillManager = await rollup.deploy(owner, FillManager, [messenger]);
    const rm = (fn: string, args: readonly unknown[]) =>
      rollup.call(owner, "RequestManager", requestManager, RequestManager.abi, fn, args);
    const fm = (fn: string, args: readonly unknown[]) =>
      rollup.call(owner, "FillManager", fillManager, FillManager.abi, fn, args);
    const rs = (fn: string, args: readonly unknown[]) =>
      l1.call(owner, "Resolver", resolver, Resolver.abi, fn, args);

    await fm("setResolver", [resolver]);

    // 3. the trusted call chain FillManager → L2 messenger → Resolver → L1 messenger → RequestManager
    await rollup.call(owner, "L2 messenger", messenger, DevnetMessenger.abi, "addCaller", [
      fillManager,
    ]);
    await rs("addCaller", [chainId, messenger, l1Messenger]);
    await rs("addRequestManager", [chainId, requestManager, l1Messenger]);
    await l1.call(owner, "L1 messenger", l1Messenger, DevnetMessenger.abi, "addCaller", [
      resolver,
    ]);
    await rm("addCaller", [BigInt(options.l1.chainId), l1Messenger, messenger]);
    await rollup.call(owner, "L2 messenger", messenger, DevnetMessenger.abi, "setRelayer", [
      accounts.relayer.address,
    ]);
    await l1.call(owner, "L1 messenger", l1Messenger, DevnetMessenger.abi, "setRelayer", [
      accounts.relayer.address,
    ]);

    // tokens
    const tst = await rollup.deploy(owner, MintableToken, [0n]);
    const unl = await rollup.deploy(owner, NamedToken, ["Unlisted", "UNL", 0n]);

    // 4. configuration
    await rm("updateFees", [params.minFeePPM, params.lpFeePPM, params.protocolFeePPM]);
    for (const target of rollups) {
      await rm("updateChain", [
        BigInt(target.endpoint.chainId),
        BigInt(params.finalityPeriod),
        0n,
        0n,
      ]);
    }
    for (const token of [tst, unl]) {
      await rm("updateToken", [token, BigInt(params.transferLimit), BigInt(params.ethInToken)]);
    }
    for (const lp of [accounts.lp, accounts.otherLp]) {
      await rm("addAllowedLp", [lp.address]);
      await fm("addAllowedLp", [lp.address]);
    }

    // funding: TST to both LPs; TST and UNL to users, approved to the RequestManager
    const mint = (token: Address, to: Address, amount: bigint) =>
      rollup.call(owner, "token", token, MintableToken.abi, "mint", [to, amount]);
    for (const lp of [accounts.lp, accounts.otherLp]) await mint(tst, lp.address, funding.lpTokens);
    for (const user of accounts.users) {
      for (const token of [tst, unl]) {
        await mint(token, user.address, funding.userTokens);
        await rollup.call(user, "token", token, MintableToken.abi, "approve", [
          requestManager,
          maxUint256,
        ]);
      }
    }

    infos.push({
      name: rollup.endpoint.name,
      chainId: rollup.endpoint.chainId,
      rpcHttp: rollup.endpoint.rpcHttp,
      rpcWs: rollup.endpoint.rpcWs,
      requestManager,
      fillManager,
      messenger,
      l1Messenger,
      deploymentBlock: rollup.firstBlock!,
      tokens: { TST: tst, UNL: unl },
    });
  }

  return {
    l1: {
      name: options.l1.name,
      chainId: options.l1.chainId,
      rpcHttp: options.l1.rpcHttp,
      rpcWs: options.l1.rpcWs,
      resolver,
      deploymentBlock: l1.firstBlock!,
    },
    rollups: infos,
    params,
    accounts,
  };
}

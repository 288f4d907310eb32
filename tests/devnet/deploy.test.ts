import assert from "node:assert/strict";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  parseAbi,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type AnvilInstance, startAnvil } from "../../scripts/devnet/anvil.ts";
import { ARTIFACTS } from "../../scripts/devnet/artifacts.ts";
import { ANVIL_MNEMONIC, DEFAULT_PARAMS, deployDevnet } from "../../scripts/devnet/deploy.ts";
import { ANVIL_ACCOUNTS, DEV_ACCOUNTS } from "../../scripts/devnet/accounts.ts";
import { mnemonicToAccount } from "viem/accounts";
import { erc20Abi, fillManagerAbi, requestManagerAbi, resolverAbi } from "../../lib/chain/abi.ts";
import { requestId } from "../../lib/chain/ids.ts";
import type { DevnetInfo } from "../../scripts/devnet/types.ts";

const messengerAbi = parseAbi([
  "event MessageSent(uint256 indexed nonce, address indexed target, bytes message)",
  "function deliverMessage(address remoteSender, uint256 remoteNonce, address target, bytes message)",
  "function relayer() view returns (address)",
  "function isDelivered(address remoteSender, uint256 remoteNonce) view returns (bool)",
]);

async function withDevnet(body: (info: DevnetInfo) => Promise<void>): Promise<void> {
  const chains: AnvilInstance[] = [];
  try {
    for (const chainId of [31337, 31338, 31339]) chains.push(await startAnvil({ chainId }));
    const [l1, a, b] = chains;
    const info = await deployDevnet({
      l1: { name: "l1", chainId: 31337, rpcHttp: l1.rpcHttp, rpcWs: l1.rpcWs },
      rollups: [
        { name: "rollup-a", chainId: 31338, rpcHttp: a.rpcHttp, rpcWs: a.rpcWs },
        { name: "rollup-b", chainId: 31339, rpcHttp: b.rpcHttp, rpcWs: b.rpcWs },
      ],
    });
    await body(info);
  } finally {
    for (const c of chains) await c.stop();
  }
}

/** Deliver every MessageSent of `from` (on fromClient) through `to` (on toUrl) as the relayer. */
async function relay(
  fromClient: PublicClient,
  from: Address,
  toUrl: string,
  to: Address,
): Promise<number> {
  const logs = await fromClient.getLogs({
    address: from,
    event: messengerAbi[0],
    fromBlock: 0n,
  });
  const relayer = createWalletClient({
    account: privateKeyToAccount(DEV_ACCOUNTS.relayer.privateKey),
    transport: http(toUrl),
  });
  const toClient = createPublicClient({ transport: http(toUrl) });
  for (const log of logs) {
    const hash = await relayer.writeContract({
      address: to,
      abi: messengerAbi,
      functionName: "deliverMessage",
      args: [log.address, log.args.nonce!, log.args.target!, log.args.message!],
      chain: null,
    });
    const receipt = await toClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    assert.equal(receipt.status, "success");
  }
  return logs.length;
}

Deno.test("the dev accounts are anvil's default mnemonic accounts", () => {
  ANVIL_ACCOUNTS.forEach((account, i) => {
    assert.equal(privateKeyToAccount(account.privateKey).address, account.address);
    assert.equal(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }).address, account.address);
  });
  assert.equal(DEV_ACCOUNTS.users.length, 5);
});

Deno.test("deployDevnet wires, configures and funds every rollup", async () => {
  await withDevnet(async (info) => {
    const l1 = createPublicClient({ transport: http(info.l1.rpcHttp) });
    assert.ok(info.l1.deploymentBlock >= 1);
    assert.ok((await l1.getCode({ address: info.l1.resolver }))!.length > 2);
    for (const rollup of info.rollups) {
      const c = createPublicClient({ transport: http(rollup.rpcHttp) });
      const rm = { address: rollup.requestManager, abi: requestManagerAbi } as const;
      const fm = { address: rollup.fillManager, abi: fillManagerAbi } as const;
      for (const address of [rollup.requestManager, rollup.fillManager, rollup.messenger]) {
        assert.ok((await c.getCode({ address }))!.length > 2, `${rollup.name} ${address} code`);
      }
      assert.ok((await l1.getCode({ address: rollup.l1Messenger }))!.length > 2);
      assert.equal(
        await c.readContract({ ...rm, functionName: "claimStake" }),
        BigInt(DEFAULT_PARAMS.claimStake),
      );
      assert.equal(await c.readContract({ ...rm, functionName: "lpFeePPM" }), 1000);
      for (const other of info.rollups) {
        const [finality] = await c.readContract({
          ...rm,
          functionName: "chains",
          args: [BigInt(other.chainId)],
        });
        assert.equal(finality, BigInt(DEFAULT_PARAMS.finalityPeriod));
      }
      for (const token of Object.values(rollup.tokens)) {
        const [limit] = await c.readContract({ ...rm, functionName: "tokens", args: [token] });
        assert.equal(limit, BigInt(DEFAULT_PARAMS.transferLimit));
      }
      assert.equal(
        await c.readContract({
          address: rollup.tokens.UNL,
          abi: erc20Abi,
          functionName: "symbol",
        }),
        "UNL",
      );
      assert.equal(
        await c.readContract({
          address: rollup.tokens.TST,
          abi: erc20Abi,
          functionName: "symbol",
        }),
        "TST",
      );
      for (const lp of [DEV_ACCOUNTS.lp, DEV_ACCOUNTS.otherLp]) {
        assert.equal(
          await c.readContract({ ...rm, functionName: "allowedLps", args: [lp.address] }),
          true,
        );
        assert.equal(
          await c.readContract({ ...fm, functionName: "allowedLps", args: [lp.address] }),
          true,
        );
        assert.ok(
          await c.readContract({
            address: rollup.tokens.TST,
            abi: erc20Abi,
            functionName: "balanceOf",
            args: [lp.address],
          }) > 0n,
        );
      }
      const user = DEV_ACCOUNTS.users[0].address;
      assert.ok(
        await c.readContract({
          address: rollup.tokens.UNL,
          abi: erc20Abi,
          functionName: "allowance",
          args: [user, rollup.requestManager],
        }) > 0n,
      );
      assert.equal(
        getAddress(
          await c.readContract({
            address: rollup.messenger,
            abi: messengerAbi,
            functionName: "relayer",
          }),
        ),
        DEV_ACCOUNTS.relayer.address,
      );
      assert.equal(
        await c.readContract({ ...fm, functionName: "l1Resolver" }),
        getAddress(info.l1.resolver),
      );
      const [manager, messenger] = await l1.readContract({
        address: info.l1.resolver,
        abi: resolverAbi,
        functionName: "sourceChainInfos",
        args: [BigInt(rollup.chainId)],
      });
      assert.equal(manager, getAddress(rollup.requestManager));
      assert.equal(messenger, getAddress(rollup.l1Messenger));
    }
  });
});

Deno.test("a fill on rollup B resolves the request on rollup A through two relayed messages", async () => {
  await withDevnet(async (info) => {
    const [a, b] = info.rollups;
    const clientA = createPublicClient({ transport: http(a.rpcHttp) }) as PublicClient;
    const clientB = createPublicClient({ transport: http(b.rpcHttp) }) as PublicClient;
    const l1 = createPublicClient({ transport: http(info.l1.rpcHttp) }) as PublicClient;
    const user = DEV_ACCOUNTS.users[0];
    const userA = createWalletClient({
      account: privateKeyToAccount(user.privateKey),
      transport: http(a.rpcHttp),
    });
    const lpB = createWalletClient({
      account: privateKeyToAccount(DEV_ACCOUNTS.lp.privateKey),
      transport: http(b.rpcHttp),
    });
    const amount = 5n * 10n ** 18n;

    const createHash = await userA.writeContract({
      address: a.requestManager,
      abi: requestManagerAbi,
      functionName: "createRequest",
      args: [BigInt(b.chainId), a.tokens.TST, b.tokens.TST, user.address, amount, 1800n],
      chain: null,
    });
    await clientA.waitForTransactionReceipt({ hash: createHash });
    const id = requestId({
      sourceChainId: a.chainId,
      targetChainId: b.chainId,
      targetTokenAddress: b.tokens.TST,
      targetReceiverAddress: user.address,
      amount,
      nonce: 1,
    });
    const [sender] = await clientA.readContract({
      address: a.requestManager,
      abi: requestManagerAbi,
      functionName: "requests",
      args: [id],
    });
    assert.equal(sender, user.address);

    await clientB.waitForTransactionReceipt({
      hash: await lpB.writeContract({
        address: b.tokens.TST,
        abi: erc20Abi,
        functionName: "approve",
        args: [b.fillManager, amount],
        chain: null,
      }),
    });
    await clientB.waitForTransactionReceipt({
      hash: await lpB.writeContract({
        address: b.fillManager,
        abi: fillManagerAbi,
        functionName: "fillRequest",
        args: [BigInt(a.chainId), b.tokens.TST, user.address, amount, 1n],
        chain: null,
      }),
    });
    const fillId = await clientB.readContract({
      address: b.fillManager,
      abi: fillManagerAbi,
      functionName: "fills",
      args: [id],
    });

    assert.equal(await relay(clientB, b.messenger, info.l1.rpcHttp, b.l1Messenger), 1);
    assert.equal(await relay(l1, a.l1Messenger, a.rpcHttp, a.messenger), 1);

    const request = await clientA.readContract({
      address: a.requestManager,
      abi: requestManagerAbi,
      functionName: "requests",
      args: [id],
    });
    assert.equal(request[9], DEV_ACCOUNTS.lp.address);
    assert.equal(request[10], fillId);
    // DevnetMessenger refuses a second delivery of the same message
    await assert.rejects(
      relay(clientB, b.messenger, info.l1.rpcHttp, b.l1Messenger),
      /DevnetMessenger: already delivered/,
    );
    assert.equal(ARTIFACTS.DevnetMessenger.contractName, "DevnetMessenger");
  });
});

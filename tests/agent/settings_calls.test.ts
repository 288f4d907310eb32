import assert from "node:assert/strict";
import { decodeFunctionData } from "viem";
import {
  approveData,
  challengeClaimData,
  claimRequestData,
  fillRequestData,
  invalidateFillData,
  txIds,
  withdrawData,
  withdrawExpiredData,
} from "../../lib/agent/calls.ts";
import { devnetConfigToml } from "../../lib/agent/devnet_config.ts";
import { settingsFromConfig, tokenOf } from "../../lib/agent/settings.ts";
import { fillManagerAbi, requestManagerAbi } from "../../lib/chain/abi.ts";
import { parseConfig } from "../../lib/config/mod.ts";
import type { DevnetInfo } from "../../scripts/devnet/types.ts";
import { FAKE_FILL, REQ, TGT_TOKEN } from "./fixtures.ts";

const args = {
  sourceChainId: 10,
  targetToken: TGT_TOKEN,
  targetAddress: TGT_TOKEN,
  amount: 5n,
  nonce: 7n,
};

Deno.test("calldata carries the protocol's selectors and arguments", () => {
  assert.ok(approveData(TGT_TOKEN, 1n).startsWith("0x095ea7b3"));
  assert.ok(fillRequestData(args).startsWith("0xac7f380a"));
  assert.ok(invalidateFillData(args, FAKE_FILL).startsWith("0xee56c910"));
  assert.ok(claimRequestData(REQ, FAKE_FILL).startsWith("0x743c151a"));
  assert.ok(challengeClaimData(3n).startsWith("0xb4d1d27a"));
  assert.ok(withdrawData(3n).startsWith("0xdee4dea0"));
  assert.ok(withdrawExpiredData(REQ).startsWith("0x79650559"));
  const fill = decodeFunctionData({ abi: fillManagerAbi, data: fillRequestData(args) });
  assert.deepEqual(fill.args, [10n, TGT_TOKEN, TGT_TOKEN, 5n, 7n]);
  const claim = decodeFunctionData({
    abi: requestManagerAbi,
    data: claimRequestData(REQ, FAKE_FILL),
  });
  assert.deepEqual(claim.args, [REQ, FAKE_FILL]);
});

Deno.test("transaction ids name the step, so every step is idempotent", () => {
  assert.equal(txIds.fill(REQ), `fill:${REQ}`);
  assert.equal(txIds.fill(REQ, 2), `fill:${REQ}:2`);
  assert.equal(txIds.claim(REQ), `claim:${REQ}`);
  assert.equal(txIds.challenge("5", 3), "challenge:5:3");
  assert.equal(txIds.withdraw("5"), "withdraw:5");
  assert.equal(txIds.invalidate(REQ, FAKE_FILL), `invalidate:${REQ}:${FAKE_FILL}`);
});

Deno.test("settingsFromConfig takes chains, tokens, policy and times from the configuration", () => {
  const rollup = (chainId: number, n: string) => ({
    name: `rollup-${n}`,
    chainId,
    rpcHttp: "http://127.0.0.1:1",
    rpcWs: "ws://127.0.0.1:1",
    requestManager: `0x${n.repeat(40)}`,
    fillManager: `0x${n.repeat(39)}f`,
    messenger: `0x${n.repeat(39)}e`,
    l1Messenger: `0x${n.repeat(39)}d`,
    deploymentBlock: 1,
    tokens: { TST: `0x${n.repeat(39)}1`, UNL: `0x${n.repeat(39)}2` },
  });
  const info = {
    l1: {
      name: "l1",
      chainId: 31337,
      rpcHttp: "http://127.0.0.1:1",
      rpcWs: "",
      resolver: `0x${"9".repeat(40)}`,
      deploymentBlock: 1,
    },
    rollups: [rollup(31338, "a"), rollup(31339, "b")],
  } as unknown as DevnetInfo;
  const toml = devnetConfigToml(info, {
    dataDir: "/tmp/x",
    keystore: "/tmp/x/k.json",
    maxViewLag: 12,
  });
  const config = parseConfig(toml, { checkFiles: false, requireSecrets: false });
  const s = settingsFromConfig(config, "0xABCDEFabcdefABCDEFabcdefABCDEFabcdefABCD");
  assert.equal(s.lp, "0xabcdefabcdefabcdefabcdefabcdefabcdefabcd");
  assert.equal(s.l1ChainId, 31337);
  assert.deepEqual(Object.keys(s.chains).sort(), ["31338", "31339"]);
  assert.equal(s.chains["31338"].maxViewLag, 12);
  assert.equal(s.chains["31338"].fillManager, `0x${"a".repeat(39)}f`);
  assert.ok(tokenOf(s, 31339, `0x${"B".repeat(39)}1`), "token lookup ignores case");
  assert.equal(s.l1Relay, "devnet", "a devnet config says the devnet relay carries proofs");
  const real = settingsFromConfig(
    { ...config, baseChain: { ...config.baseChain, proofRelay: "none" } },
    s.lp,
  );
  assert.equal(real.l1Relay, "unsupported", "relaying over real bridges is not claimed");
  assert.equal(JSON.parse(JSON.stringify(s)).lp, s.lp, "plain JSON");
});

import assert from "node:assert/strict";
import { type Abi, type AbiParameter, toEventSelector, toFunctionSelector } from "viem";
import {
  erc20Abi,
  fillManagerAbi,
  mintableTokenAbi,
  requestManagerAbi,
  resolverAbi,
} from "../../lib/chain/abi.ts";
import {
  EVENT_TOPICS,
  FILL_MANAGER_EVENTS,
  REQUEST_MANAGER_EVENTS,
  requestId,
} from "../../lib/chain/ids.ts";

// Selectors of the fact sheet's §3.2, per contract (messenger selectors of Beamer's own test
// messengers are not part of the agent's ABI; ours are checked against the artifact below).
const SELECTORS: Record<string, Record<string, string>> = {
  RequestManager: {
    "0x2f4212b8": "createRequest(uint256,address,address,address,uint256,uint256)",
    "0x79650559": "withdrawExpiredRequest(bytes32)",
    "0x743c151a": "claimRequest(bytes32,bytes32)",
    "0x599b08a2": "claimRequest(address,bytes32,bytes32)",
    "0xb4d1d27a": "challengeClaim(uint96)",
    "0xdee4dea0": "withdraw(uint96)",
    "0x8c8c3c9d": "withdraw(address,uint96)",
    "0x5b3a6ef2": "resolveRequest(bytes32,bytes32,uint256,address)",
    "0x03fc4c37": "invalidateFill(bytes32,bytes32,uint256)",
    "0x9d866985": "requests(bytes32)",
    "0x3b046f09": "claims(uint96)",
    "0x550325b5": "chains(uint256)",
    "0xe4860339": "tokens(address)",
    "0xeb321173": "claimStake()",
    "0x83d208c3": "claimRequestExtension()",
    "0x7dc2cd98": "claimPeriod()",
    "0x1d18adc5": "challengePeriodExtension()",
    "0x0d5877d2": "minFeePPM()",
    "0xe2653eeb": "lpFeePPM()",
    "0xe7aad5c4": "protocolFeePPM()",
    "0x1489f8d2": "MIN_VALIDITY_PERIOD()",
    "0x96171d05": "MAX_VALIDITY_PERIOD()",
    "0xea628898": "CLAIM_ID_WITHDRAWN_EXPIRED()",
    "0xadb610a3": "currentNonce()",
    "0x0e3a918c": "isWithdrawn(bytes32)",
    "0x30a08cbc": "isInvalidFill(bytes32,bytes32)",
    "0xae213840": "minLpFee(uint256,address)",
    "0x2175fd13": "lpFee(uint256,address,uint256)",
    "0xa032b5f4": "protocolFee(uint256)",
    "0x9c66b543": "totalFee(uint256,address,uint256)",
    "0xeb1cbbab": "transferableAmount(uint256,address,uint256)",
    "0x92d0da99": "updateFees(uint32,uint32,uint32)",
    "0xc8e70707": "updateToken(address,uint256,uint256)",
    "0x6b868792": "updateChain(uint256,uint256,uint256,uint256)",
    "0xcf7b287f": "withdrawProtocolFees(address,address)",
    "0x8456cb59": "pause()",
    "0x3f4ba83a": "unpause()",
    "0x5c975abb": "paused()",
    "0x31e08f7a": "addAllowedLp(address)",
    "0x3993b6ed": "removeAllowedLp(address)",
    "0x9e375226": "allowedLps(address)",
    "0x747293fb": "addCaller(address)",
    "0x7203ae3b": "addCaller(uint256,address,address)",
    "0x0e19a1c6": "callers(uint256,uint256)",
    "0x8da5cb5b": "owner()",
    "0xf2fde38b": "transferOwnership(address)",
    "0x715018a6": "renounceOwnership()",
  },
  FillManager: {
    "0xac7f380a": "fillRequest(uint256,address,address,uint256,uint96)",
    "0xee56c910": "invalidateFill(uint256,address,address,uint256,uint96,bytes32)",
    "0x20158c44": "fills(bytes32)",
    "0x4e543b26": "setResolver(address)",
    "0x935beb1a": "l1Resolver()",
    "0x3cb747bf": "messenger()",
    "0x31e08f7a": "addAllowedLp(address)",
    "0x3993b6ed": "removeAllowedLp(address)",
    "0x9e375226": "allowedLps(address)",
    "0x8da5cb5b": "owner()",
  },
  Resolver: {
    "0xa56e3c38": "resolve(bytes32,bytes32,uint256,uint256,address)",
    "0x44596f9b": "addRequestManager(uint256,address,address)",
    "0x308634a5": "sourceChainInfos(uint256)",
    "0x747293fb": "addCaller(address)",
    "0x7203ae3b": "addCaller(uint256,address,address)",
    "0x0e19a1c6": "callers(uint256,uint256)",
    "0x8da5cb5b": "owner()",
  },
  ERC20: {
    "0x70a08231": "balanceOf(address)",
    "0xdd62ed3e": "allowance(address,address)",
    "0x095ea7b3": "approve(address,uint256)",
    "0x95d89b41": "symbol()",
  },
  MintableToken: { "0x40c10f19": "mint(address,uint256)" },
  DevnetMessenger: {
    "0xbb5ddb0f": "sendMessage(address,bytes)",
    "0x845c5443": "callAllowed(address,address)",
  },
};

const AGENT_ABIS: Record<string, Abi> = {
  RequestManager: requestManagerAbi,
  FillManager: fillManagerAbi,
  Resolver: resolverAbi,
  ERC20: erc20Abi,
  MintableToken: mintableTokenAbi,
};

function loadArtifactAbi(name: string): Abi {
  const url = new URL(`../../scripts/devnet/artifacts/${name}.json`, import.meta.url);
  return JSON.parse(Deno.readTextFileSync(url)).abi as Abi;
}

function signature(item: Abi[number]): string {
  if (item.type !== "function" && item.type !== "event") return item.type;
  return `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
}

function normalizeParams(params: readonly AbiParameter[]): unknown[] {
  return params.map((p) => ({
    name: p.name ?? "",
    type: p.type,
    ...("indexed" in p ? { indexed: Boolean(p.indexed) } : {}),
  }));
}

function normalize(item: Abi[number]): unknown {
  if (item.type === "function") {
    return {
      type: "function",
      name: item.name,
      stateMutability: item.stateMutability,
      inputs: normalizeParams(item.inputs),
      outputs: normalizeParams(item.outputs),
    };
  }
  if (item.type === "event") {
    return {
      type: "event",
      name: item.name,
      anonymous: Boolean(item.anonymous),
      inputs: item.inputs.map((p) => ({
        name: p.name ?? "",
        type: p.type,
        indexed: Boolean(p.indexed),
      })),
    };
  }
  return item;
}

Deno.test("requestId matches the fact sheet's test vectors", () => {
  const token = "0x1111111111111111111111111111111111111111";
  const receiver = "0x2222222222222222222222222222222222222222";
  assert.equal(
    requestId({
      sourceChainId: 1337,
      targetChainId: 1337,
      targetTokenAddress: token,
      targetReceiverAddress: receiver,
      amount: 100n,
      nonce: 23,
    }),
    "0x93ad9a127a8790d46868cd4e4df41e9b06cddb8f446c28ee1e7d7d2a562bc032",
  );
  assert.equal(
    requestId({
      sourceChainId: 10n,
      targetChainId: 42161n,
      targetTokenAddress: token,
      targetReceiverAddress: receiver,
      amount: 1000000n,
      nonce: 1n,
    }),
    "0xea6e90acb9959ab6fccaf6bc94aa411bde57979df8bdff2f98fcd2c651fba660",
  );
});

Deno.test("every selector of the fact sheet is what viem computes from the agent ABI", () => {
  for (const [contract, selectors] of Object.entries(SELECTORS)) {
    const abi = AGENT_ABIS[contract] ?? loadArtifactAbi(contract);
    for (const [selector, sig] of Object.entries(selectors)) {
      const item = abi.find((i) => i.type === "function" && signature(i) === sig);
      assert.ok(item, `${contract}: ${sig} missing from the ABI`);
      assert.equal(toFunctionSelector(item as never), selector, `${contract}.${sig}`);
    }
  }
});

Deno.test("every event topic constant is what viem computes from the agent ABI", () => {
  const allEvents = [requestManagerAbi, fillManagerAbi, resolverAbi, erc20Abi]
    .flatMap((abi) => (abi as Abi).filter((i) => i.type === "event"));
  for (const [name, topic] of Object.entries(EVENT_TOPICS)) {
    const event = allEvents.find((e) => e.type === "event" && e.name === name);
    assert.ok(event, `event ${name} missing from the agent ABI`);
    assert.equal(toEventSelector(event as never), topic, name);
  }
  // and every event of the agent ABI has a constant
  for (const event of allEvents) {
    if (event.type === "event") assert.ok(event.name in EVENT_TOPICS, `${event.name} has no topic`);
  }
});

Deno.test("every item of the agent ABI appears identically in the compiled artifacts", () => {
  const pairs: [string, Abi, string][] = [
    ["RequestManager", requestManagerAbi, "RequestManager"],
    ["FillManager", fillManagerAbi, "FillManager"],
    ["Resolver", resolverAbi, "Resolver"],
    ["ERC20", erc20Abi, "MintableToken"],
    ["MintableToken", mintableTokenAbi, "MintableToken"],
  ];
  for (const [label, agentAbi, artifact] of pairs) {
    const compiled = loadArtifactAbi(artifact);
    for (const item of agentAbi) {
      const twin = compiled.find((c) => c.type === item.type && signature(c) === signature(item));
      assert.ok(twin, `${label}: ${item.type} ${signature(item)} missing from ${artifact}.json`);
      assert.deepEqual(normalize(twin), normalize(item), `${label}: ${signature(item)}`);
    }
  }
});

Deno.test("the agent ABI covers every function the managers and resolver expose", () => {
  for (const name of ["RequestManager", "FillManager", "Resolver"]) {
    const agentAbi = AGENT_ABIS[name];
    for (const item of loadArtifactAbi(name)) {
      if (item.type !== "function" && item.type !== "event") continue;
      assert.ok(
        agentAbi.some((a) => a.type === item.type && signature(a) === signature(item)),
        `${name}: ${signature(item)} is compiled but not in the agent ABI`,
      );
    }
  }
});

Deno.test("RequestManager and FillManager artifacts declare exactly the listed events", () => {
  const eventsOf = (name: string) =>
    loadArtifactAbi(name).filter((i) => i.type === "event").map((i) => (i as { name: string }).name)
      .sort();
  assert.deepEqual(eventsOf("RequestManager"), [...REQUEST_MANAGER_EVENTS].sort());
  assert.deepEqual(eventsOf("FillManager"), [...FILL_MANAGER_EVENTS].sort());
});

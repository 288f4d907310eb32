import assert from "node:assert/strict";
import { encodeAbiParameters, encodeEventTopics, parseAbiParameters } from "viem";
import { fillManagerAbi, requestManagerAbi } from "../../lib/chain/abi.ts";
import { decodeBridgeLog, type RawLog } from "../../lib/chain/decode.ts";

const RM = "0x00000000000000000000000000000000000000aa" as const;
const FM = "0x00000000000000000000000000000000000000bb" as const;
const REQ = `0x${"12".repeat(32)}` as const;
const BLOCK = `0x${"CD".repeat(32)}`;

function raw(address: string, topics: readonly unknown[], data: string): RawLog {
  return {
    address,
    topics: topics as string[],
    data,
    blockNumber: "0x10",
    blockHash: BLOCK,
    logIndex: "0x3",
    transactionHash: `0x${"ee".repeat(32)}`,
  };
}

Deno.test("RequestCreated decodes into the agent's event with a lower-case ref keyed by hash and index", () => {
  const topics = encodeEventTopics({
    abi: requestManagerAbi,
    eventName: "RequestCreated",
    args: { requestId: REQ, sourceAddress: "0x00000000000000000000000000000000000000C1" },
  });
  const data = encodeAbiParameters(
    parseAbiParameters(
      "uint256, address, address, address, uint256, uint96, uint32, uint256, uint256",
    ),
    [
      31339n,
      "0x00000000000000000000000000000000000000A1",
      "0x00000000000000000000000000000000000000B1",
      "0x00000000000000000000000000000000000000D1",
      10n ** 24n,
      7n,
      1_700_000_000,
      5n,
      6n,
    ],
  );
  const r = decodeBridgeLog(31338, raw(RM, topics, data), 1234, {
    requestManager: RM,
    fillManager: FM,
  });
  assert.equal(r.kind, "event");
  if (r.kind !== "event") return;
  assert.deepEqual(r.decoded.event, {
    type: "RequestCreated",
    requestId: REQ,
    targetChainId: 31339,
    sourceToken: "0x00000000000000000000000000000000000000a1",
    targetToken: "0x00000000000000000000000000000000000000b1",
    sourceAddress: "0x00000000000000000000000000000000000000c1",
    targetAddress: "0x00000000000000000000000000000000000000d1",
    amount: "1000000000000000000000000",
    nonce: "7",
    validUntil: 1_700_000_000,
    lpFee: "5",
    protocolFee: "6",
  });
  assert.equal(r.decoded.id, REQ);
  assert.deepEqual(r.decoded.ref, {
    chainId: 31338,
    blockNumber: 16,
    blockHash: BLOCK.toLowerCase(),
    logIndex: 3,
    txHash: `0x${"ee".repeat(32)}`,
    timestamp: 1234,
    key: `${BLOCK.toLowerCase()}:3`,
  });
});

Deno.test("FillManager logs decode only when emitted by the configured FillManager", () => {
  const fillId = `0x${"34".repeat(32)}` as const;
  const topics = encodeEventTopics({
    abi: fillManagerAbi,
    eventName: "FillInvalidated",
    args: { requestId: REQ, fillId },
  });
  const ok = decodeBridgeLog(1, raw(FM, topics, "0x"), 1, { requestManager: RM, fillManager: FM });
  assert.equal(ok.kind, "event");
  if (ok.kind === "event") {
    assert.deepEqual(ok.decoded.event, { type: "FillInvalidated", requestId: REQ, fillId });
  }
  const other = decodeBridgeLog(1, raw(RM, topics, "0x"), 1, {
    requestManager: RM,
    fillManager: FM,
  });
  assert.equal(other.kind, "ignored", "a FillManager event from the RequestManager is not ours");
  const stranger = decodeBridgeLog(1, raw("0x" + "99".repeat(20), topics, "0x"), 1, {
    requestManager: RM,
    fillManager: FM,
  });
  assert.equal(stranger.kind, "ignored");
});

Deno.test("parameter events are flagged, events outside the vocabulary are ignored", () => {
  const chainUpdated = encodeEventTopics({
    abi: requestManagerAbi,
    eventName: "ChainUpdated",
    args: { chainId: 5n },
  });
  const data = encodeAbiParameters(parseAbiParameters("uint256, uint256, uint256"), [1n, 2n, 3n]);
  const contracts = { requestManager: RM, fillManager: FM };
  assert.equal(decodeBridgeLog(1, raw(RM, chainUpdated, data), 1, contracts).kind, "params");
  const paused = encodeEventTopics({ abi: requestManagerAbi, eventName: "Paused" });
  const pausedData = encodeAbiParameters(parseAbiParameters("address"), [RM]);
  assert.equal(decodeBridgeLog(1, raw(RM, paused, pausedData), 1, contracts).kind, "ignored");
  assert.equal(
    decodeBridgeLog(1, raw(RM, [`0x${"00".repeat(32)}`], "0x"), 1, contracts).kind,
    "ignored",
  );
});

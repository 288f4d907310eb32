import assert from "node:assert/strict";
import type { TxSenderState } from "../../actors/tx_sender.ts";
import { paths } from "../../lib/agent/messages.ts";
import { waitFor } from "../support/wait.ts";
import { latestTimestamp, mine, rpcCall, setAutomine } from "../../scripts/devnet/anvil.ts";
import {
  CHAIN_ID,
  deployDeadline,
  deployLatch,
  deployReverter,
  minedNonce,
  OTHER,
  startHarness,
} from "./harness.ts";

const SENDER = paths.txSender(CHAIN_ID);

Deno.test("SendTx messages are mined in nonce order and each reported once", async () => {
  const h = await startHarness();
  try {
    for (let i = 0; i < 5; i++) h.sendTx(`pay:${i}`, OTHER, "0x", BigInt(i + 1));
    const outs = await Promise.all([0, 1, 2, 3, 4].map((i) => h.waitOutcome(`pay:${i}`)));
    for (const o of outs) {
      assert.equal(o.status, "mined", JSON.stringify(o));
      assert.equal(o.purpose, "fill");
      const tx = await h.client.getTransaction({ hash: o.hash! });
      assert.equal(tx.to?.toLowerCase(), OTHER);
    }
    const nonces = await Promise.all(
      outs.map(async (o) => (await h.client.getTransaction({ hash: o.hash! })).nonce),
    );
    assert.deepEqual([...nonces].sort((a, b) => a - b), [0, 1, 2, 3, 4]);
    assert.equal(await minedNonce(h), 5);
    assert.equal(h.outcomes.length, 5);
    const s = h.system.stateOf<TxSenderState>(SENDER)!;
    assert.equal(s.nonce, 5);
    assert.equal(Object.keys(s.records).length, 0);
    assert.match(h.system.info(SENDER)?.summary ?? "", /nonce 5 pending 0 done 5/);
  } finally {
    await h.stop();
  }
});

Deno.test("a repeated id sends nothing new and re-reports the known outcome", async () => {
  const h = await startHarness();
  try {
    h.sendTx("fill:a", OTHER);
    h.sendTx("fill:a", OTHER); // while in flight: no second transaction
    const first = await h.waitOutcome("fill:a");
    assert.equal(first.status, "mined");
    h.sendTx("fill:a", OTHER); // after the outcome: the same outcome again
    await waitFor(() => h.outcomes.length === 2, "the repeated outcome");
    assert.deepEqual(h.outcomes[1], first);
    assert.equal(await minedNonce(h), 1);
  } finally {
    await h.stop();
  }
});

Deno.test("a revert at gas estimation is reported as reverted with its reason, nothing sent", async () => {
  const h = await startHarness();
  try {
    const reverter = await deployReverter(h, "Already filled");
    const before = await minedNonce(h);
    h.sendTx("fill:dup", reverter, "0x12345678", 0n);
    const o = await h.waitOutcome("fill:dup");
    assert.equal(o.status, "reverted");
    assert.equal(o.reason, "Already filled");
    assert.equal(o.hash, undefined);
    assert.equal(await minedNonce(h), before);
    // the next transaction still gets the next nonce (no gap)
    h.sendTx("pay:after", OTHER);
    assert.equal((await h.waitOutcome("pay:after")).status, "mined");
    assert.equal(await minedNonce(h), before + 1);
  } finally {
    await h.stop();
  }
});

Deno.test("with the lease fence down nothing is sent; once it is back the transaction goes out", async () => {
  let may = false;
  const h = await startHarness({ mayBroadcast: () => may });
  try {
    h.sendTx("fill:fenced", OTHER);
    await waitFor(
      () => h.system.stateOf<TxSenderState>(SENDER)?.held === true,
      "the sender to report the fence",
    );
    assert.match(h.system.info(SENDER)?.summary ?? "", /HELD/);
    const pending = await h.client.getTransactionCount({
      address: h.system.stateOf<TxSenderState>(SENDER)!.address,
      blockTag: "pending",
    });
    assert.equal(pending, 0);
    assert.equal(h.outcomes.length, 0);
    may = true;
    const o = await h.waitOutcome("fill:fenced");
    assert.equal(o.status, "mined");
    assert.equal(h.system.stateOf<TxSenderState>(SENDER)?.held, false);
  } finally {
    await h.stop();
  }
});

Deno.test("a transaction that reverts when mined is reported reverted with the replayed reason", async () => {
  const h = await startHarness();
  try {
    const now = await latestTimestamp(h.anvil.rpcHttp);
    const target = await deployDeadline(h, now + 1_000, "Request expired");
    await setAutomine(h.anvil.rpcHttp, false);
    h.sendTx("fill:late", target, "0x", 0n);
    await waitFor(
      () => h.system.stateOf<TxSenderState>(SENDER)?.records["fill:late"]?.accepted === true,
      "the transaction to be pooled",
    );
    await rpcCall(h.anvil.rpcHttp, "evm_increaseTime", [5_000]);
    await mine(h.anvil.rpcHttp);
    const o = await h.waitOutcome("fill:late");
    assert.equal(o.status, "reverted");
    assert.equal(o.reason, "Request expired");
    assert.ok(o.hash && o.blockNumber);
    assert.equal((await h.client.getTransactionReceipt({ hash: o.hash })).status, "reverted");
  } finally {
    await h.stop();
  }
});

Deno.test("with confirmations = 3 the outcome waits for two more blocks and nothing is re-sent", async () => {
  const h = await startHarness({ options: { receiptPollMs: 20, confirmations: 3 } });
  try {
    h.sendTx("fill:conf", OTHER);
    await waitFor(async () => (await minedNonce(h)) === 1, "the transaction to be mined");
    // a negative can only be observed over time: ~15 polls see the receipt short of confirmations
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.outcomes.length, 0);
    const rec = h.system.stateOf<TxSenderState>(SENDER)!.records["fill:conf"];
    assert.equal(rec.attempts.length, 1, "a mined transaction is not taken for a lost nonce");
    await mine(h.anvil.rpcHttp, 2);
    const o = await h.waitOutcome("fill:conf");
    assert.equal(o.status, "mined");
    assert.equal(await minedNonce(h), 1);
  } finally {
    await h.stop();
  }
});

// anvil estimates against the pending state by default; geth against the latest block, which is why
// the sender asks for "pending" explicitly. This fails if the estimate ever runs on "latest".
Deno.test("a call that depends on our own pooled transaction is estimated against it", async () => {
  const h = await startHarness();
  try {
    const latch = await deployLatch(h, "Not set");
    await setAutomine(h.anvil.rpcHttp, false);
    h.sendTx("approve:x", latch, "0x01", 0n);
    await waitFor(
      () => h.system.stateOf<TxSenderState>(SENDER)?.records["approve:x"]?.accepted === true,
      "the first transaction to be pooled",
    );
    h.sendTx("fill:x", latch, "0x", 0n);
    await waitFor(
      () =>
        h.system.stateOf<TxSenderState>(SENDER)?.records["fill:x"]?.accepted === true ||
        h.outcomes.length > 0,
      "the second transaction to be pooled",
    );
    assert.deepEqual(h.outcomes, [], "not reverted at estimation");
    await mine(h.anvil.rpcHttp);
    assert.equal((await h.waitOutcome("approve:x")).status, "mined");
    assert.equal((await h.waitOutcome("fill:x")).status, "mined");
  } finally {
    await h.stop();
  }
});

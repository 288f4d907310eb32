import assert from "node:assert/strict";
import { createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { TxSenderState } from "../../actors/tx_sender.ts";
import { paths } from "../../lib/agent/messages.ts";
import { mine, rpcCall, setAutomine } from "../../scripts/devnet/anvil.ts";
import { waitFor } from "../support/wait.ts";
import { CHAIN_ID, LP_KEY, minedNonce, OTHER, startHarness } from "./harness.ts";

const SENDER = paths.txSender(CHAIN_ID);
const record = (h: { system: { stateOf<S>(p: string): S | undefined } }, id: string) =>
  h.system.stateOf<TxSenderState>(SENDER)?.records[id];

Deno.test("a stuck transaction is replaced with bumped fees and the mined replacement reported", async () => {
  const h = await startHarness({ options: { receiptPollMs: 30, stuckAfterMs: 150 } });
  try {
    await setAutomine(h.anvil.rpcHttp, false);
    h.sendTx("fill:stuck", OTHER);
    await waitFor(() => (record(h, "fill:stuck")?.attempts.length ?? 0) >= 2, "a replacement");
    const attempts = record(h, "fill:stuck")!.attempts;
    assert.equal(attempts.length >= 2, true);
    const [a, b] = attempts;
    // a replacement bumps both fees by at least 12.5 %
    assert.ok(BigInt(b.maxFeePerGas) * 8n >= BigInt(a.maxFeePerGas) * 9n);
    assert.ok(BigInt(b.maxPriorityFeePerGas) * 8n >= BigInt(a.maxPriorityFeePerGas) * 9n);
    await waitFor(() => record(h, "fill:stuck")?.accepted === true, "the node to take it");
    await mine(h.anvil.rpcHttp);
    const o = await h.waitOutcome("fill:stuck");
    assert.equal(o.status, "mined");
    const mined = await h.client.getTransaction({ hash: o.hash! });
    assert.equal(mined.nonce, 0, "the same nonce as the first attempt");
    assert.ok(mined.maxFeePerGas! > BigInt(a.maxFeePerGas), "a bumped replacement");
    assert.notEqual(o.hash, a.hash, "the pool kept the replacement");
    assert.equal(await minedNonce(h), 1);
    assert.equal(h.outcomes.length, 1);
  } finally {
    await h.stop();
  }
});

Deno.test("the first attempt mined after a replacement was sent is still recognised", async () => {
  const h = await startHarness({ options: { receiptPollMs: 30, stuckAfterMs: 300 } });
  try {
    await setAutomine(h.anvil.rpcHttp, false);
    h.sendTx("fill:first", OTHER);
    await waitFor(() => record(h, "fill:first")?.attempts.length === 1, "the first attempt");
    const first = record(h, "fill:first")!.attempts[0];
    await waitFor(() => {
      const r = record(h, "fill:first");
      return (r?.attempts.length ?? 0) >= 2 && r?.accepted === true;
    }, "a replacement the node took");
    assert.equal(
      record(h, "fill:first")!.attempts[0].raw,
      undefined,
      "only the newest raw is kept",
    );
    // the replacement vanishes from the pool; the first attempt comes back and is mined
    await rpcCall(h.anvil.rpcHttp, "anvil_dropAllTransactions", []);
    await rpcCall(h.anvil.rpcHttp, "eth_sendRawTransaction", [first.raw!]);
    await mine(h.anvil.rpcHttp);
    const o = await h.waitOutcome("fill:first");
    assert.equal(o.status, "mined");
    assert.equal(o.hash, first.hash);
    assert.equal(await minedNonce(h), 1);
  } finally {
    await h.stop();
  }
});

Deno.test("a nonce spent by another client is resynced and the transaction still delivered", async () => {
  const h = await startHarness();
  try {
    h.sendTx("pay:0", OTHER);
    assert.equal((await h.waitOutcome("pay:0")).status, "mined");
    // another client with the same key spends nonce 1 behind the sender's back
    const wallet = createWalletClient({
      account: privateKeyToAccount(LP_KEY),
      transport: http(h.anvil.rpcHttp),
    });
    await wallet.sendTransaction({ to: OTHER, value: 5n, nonce: 1, chain: null });
    await waitFor(async () => (await minedNonce(h)) === 2, "the other client's transaction");
    h.sendTx("pay:1", OTHER);
    const o = await h.waitOutcome("pay:1");
    assert.equal(o.status, "mined");
    assert.equal((await h.client.getTransaction({ hash: o.hash! })).nonce, 2);
    assert.equal(await minedNonce(h), 3);
    assert.equal(h.outcomes.length, 2);
  } finally {
    await h.stop();
  }
});

Deno.test("replacement underpriced against a foreign pooled transaction is answered by bumping", async () => {
  const h = await startHarness({ options: { receiptPollMs: 30, stuckAfterMs: 60_000 } });
  try {
    await waitFor(() => h.system.stateOf<TxSenderState>(SENDER)?.nonce === 0, "the nonce sync");
    await setAutomine(h.anvil.rpcHttp, false);
    const wallet = createWalletClient({
      account: privateKeyToAccount(LP_KEY),
      transport: http(h.anvil.rpcHttp),
    });
    const fees = await h.client.estimateFeesPerGas();
    await wallet.sendTransaction({
      to: OTHER,
      value: 7n,
      nonce: 0,
      chain: null,
      maxFeePerGas: fees.maxFeePerGas * 3n,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas * 3n,
    });
    h.sendTx("fill:under", OTHER);
    await waitFor(() => record(h, "fill:under")?.accepted === true, "a replacement the pool takes");
    assert.ok(record(h, "fill:under")!.attempts.length >= 2);
    await mine(h.anvil.rpcHttp);
    const o = await h.waitOutcome("fill:under");
    assert.equal(o.status, "mined");
    assert.equal((await h.client.getTransaction({ hash: o.hash! })).nonce, 0);
    assert.equal(await minedNonce(h), 1);
  } finally {
    await h.stop();
  }
});

Deno.test("thirty fills in flight, each replaced once, keep the snapshot under 64 KiB; more are refused busy", async () => {
  const h = await startHarness({
    options: { receiptPollMs: 30, stuckAfterMs: 400, maxInFlight: 30 },
  });
  try {
    await setAutomine(h.anvil.rpcHttp, false);
    // a fillRequest call is a selector and five words
    const data = `0x${"ab".repeat(4 + 5 * 32)}` as const;
    for (let i = 0; i < 32; i++) h.sendTx(`fill:${i}`, OTHER, data, 0n);
    await waitFor(() => h.outcomes.length === 2, "two refusals");
    for (const o of h.outcomes) {
      assert.equal(o.status, "failed");
      assert.match(o.reason ?? "", /^busy: 30 transactions in flight/);
    }
    assert.deepEqual(h.outcomes.map((o) => o.id).sort(), ["fill:30", "fill:31"]);
    h.outcomes.length = 0;
    await waitFor(
      () => {
        const recs = Object.values(h.system.stateOf<TxSenderState>(SENDER)!.records);
        return recs.length === 30 && recs.every((r) => r.attempts.length >= 2 && r.accepted);
      },
      "every fill to be replaced once",
      15_000,
    );
    const size = JSON.stringify(h.system.stateOf<TxSenderState>(SENDER)).length;
    // 30 in flight plus 64 kept outcomes of ~250 bytes must fit in 64 KiB
    assert.ok(size + 64 * 260 < 60 * 1024, `snapshot of ${size} bytes`);
    assert.equal(h.system.metrics.writeFailures, 0);
    await mine(h.anvil.rpcHttp);
    await waitFor(() => h.outcomes.length === 30, "every outcome", 15_000);
    assert.ok(h.outcomes.every((o) => o.status === "mined"));
    assert.equal(await minedNonce(h), 30);
  } finally {
    await h.stop();
  }
});

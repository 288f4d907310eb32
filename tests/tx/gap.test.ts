import assert from "node:assert/strict";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { TxSenderState } from "../../actors/tx_sender.ts";
import { paths } from "../../lib/agent/messages.ts";
import { waitFor } from "../support/wait.ts";
import { CHAIN_ID, LP_KEY, minedNonce, OTHER, startHarness, startRawTxProxy } from "./harness.ts";

const SENDER = paths.txSender(CHAIN_ID);

Deno.test("a transaction the node refuses is reported failed and its nonce hole is filled", async () => {
  const h = await startHarness({ options: { receiptPollMs: 30, backoffMinMs: 20 } });
  const proxy = startRawTxProxy(h.anvil.rpcHttp);
  try {
    let may = true;
    await h.system.stop();
    await h.tkv.reopen();
    await h.restart({ mayBroadcast: () => may }, proxy.url);
    h.sendTx("pay:a", OTHER);
    assert.equal((await h.waitOutcome("pay:a")).status, "mined");
    // hold broadcasts so both get their nonces (1 and 2) before the node sees either
    may = false;
    h.sendTx("pay:b", OTHER);
    h.sendTx("pay:c", OTHER);
    await waitFor(() => {
      const r = h.system.stateOf<TxSenderState>(SENDER)!.records;
      return r["pay:b"]?.attempts.length === 1 && r["pay:c"]?.attempts.length === 1;
    }, "both to be signed");
    const nonceOf = (id: string) => h.system.stateOf<TxSenderState>(SENDER)!.records[id].nonce;
    const [refused, other] = nonceOf("pay:b") === 1 ? ["pay:b", "pay:c"] : ["pay:c", "pay:b"];
    assert.equal(nonceOf(other), 2);
    proxy.refuseNonce = 1;
    may = true;
    const failed = await h.waitOutcome(refused);
    assert.equal(failed.status, "failed");
    assert.match(failed.reason ?? "", /insufficient funds/);
    const mined = await h.waitOutcome(other);
    assert.equal(mined.status, "mined");
    await waitFor(async () => (await minedNonce(h)) === 3, "nonces 0..2 to be used");
    const lp = privateKeyToAccount(LP_KEY).address.toLowerCase();
    const txs = [];
    const head = await h.client.getBlockNumber();
    for (let n = 1n; n <= head; n++) {
      const block = await h.client.getBlock({ blockNumber: n, includeTransactions: true });
      txs.push(...block.transactions);
    }
    const hole = txs.find((t) => t.nonce === 1)!;
    assert.equal(hole.to?.toLowerCase(), lp, "nonce 1 is taken by a self-transfer");
    assert.equal(hole.value, 0n);
    assert.equal(txs.find((t) => t.nonce === 2)!.hash, mined.hash as Hex);
    await waitFor(
      () => Object.keys(h.system.stateOf<TxSenderState>(SENDER)!.records).length === 0,
      "the filler to be settled",
    );
    assert.equal(h.outcomes.length, 3, "no outcome for the filler");
  } finally {
    await h.stop();
    await proxy.stop();
  }
});

import assert from "node:assert/strict";
import { paths } from "../../lib/agent/messages.ts";
import { type FaultProxy, startFaultProxy } from "../../scripts/fault_proxy.ts";
import { waitFor } from "../support/wait.ts";
import { CHAIN_ID, minedNonce, OTHER, startHarness } from "./harness.ts";

Deno.test("RPC errors, garbage and a hung RPC delay transactions but never crash the sender", async () => {
  let proxy: FaultProxy | undefined;
  const h = await startHarness({
    options: { receiptPollMs: 30, rpcTimeoutMs: 300, backoffMinMs: 20, backoffMaxMs: 200 },
  });
  try {
    proxy = await startFaultProxy({
      target: h.anvil.rpcHttp,
      seed: 7,
      mode: { errorRate: 0.3, malformedRate: 0.1 },
    });
    await h.system.stop();
    await h.tkv.reopen();
    await h.restart({}, proxy.url);
    for (let i = 0; i < 3; i++) h.sendTx(`pay:${i}`, OTHER);
    await Promise.all([0, 1, 2].map((i) => h.waitOutcome(`pay:${i}`, 20_000)));
    assert.ok(proxy.stats().errors + proxy.stats().malformed > 0, "faults were injected");
    // a hung RPC: calls time out, nothing is lost, the work resumes when it answers again
    proxy.setMode({ blackhole: true, errorRate: 0, malformedRate: 0 });
    h.sendTx("pay:hung", OTHER);
    await waitFor(() => proxy!.stats().blackholed > 2, "calls to hang");
    proxy.setMode({ blackhole: false });
    assert.equal((await h.waitOutcome("pay:hung", 20_000)).status, "mined");
    for (const o of h.outcomes) assert.equal(o.status, "mined", JSON.stringify(o));
    assert.equal(h.outcomes.length, 4);
    assert.equal(await minedNonce(h), 4, "one transaction per id");
    assert.equal(h.system.metrics.failures, 0, "no handler failed");
    assert.ok(h.system.statusOf(paths.txSender(CHAIN_ID)));
  } finally {
    await h.stop();
    await proxy?.stop();
  }
});

import assert from "node:assert/strict";
import { requestManagerAbi } from "../../lib/chain/abi.ts";
import { startDevnet } from "../../scripts/devnet/mod.ts";
import { actors, createRequest, TOKEN, tokenBalance } from "../devnet/helpers.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { type RequestSide, startRequestSide } from "./devnet_feed.ts";

Deno.test("devnet: a request is filled, claimed and withdrawn on chain by the request actors", async () => {
  const devnet = await startDevnet({ relayOptions: { pollIntervalMs: 100 } });
  const t = await tempKv();
  let side: RequestSide | undefined;
  try {
    const info = devnet.info;
    side = await startRequestSide(info, t.kv, t.dir);
    const { reports } = side;
    const { a, b, user, lp } = actors(info);
    const before = await tokenBalance(lp.a);
    const req = await createRequest(user.a, b, 10n * TOKEN);
    const id = req.requestId.toLowerCase();
    await waitFor(
      () => reports.some((r) => r.id === id && r.state === "withdrawn"),
      "request withdrawn",
      25_000,
    );
    const onChain = await user.a.reader.readContract({
      address: a.requestManager,
      abi: requestManagerAbi,
      functionName: "requests",
      args: [req.requestId],
    });
    const withdrawClaimId = onChain[8];
    assert.ok(withdrawClaimId > 0n, "the deposit was paid out by a claim");
    const paid = await user.a.reader.readContract({
      address: a.requestManager,
      abi: requestManagerAbi,
      functionName: "claims",
      args: [withdrawClaimId],
    });
    assert.equal(paid[1].toLowerCase(), lp.a.address.toLowerCase(), "our claim got the deposit");
    const after = await tokenBalance(lp.a);
    assert.equal(after - before, req.amount + req.lpFee, "amount and LP fee paid to the LP");
    const states = reports.filter((r) => r.kind === "request").map((r) => r.state);
    assert.ok(states.includes("filled") && states.includes("withdrawn"), states.join(","));
    const claims = reports.filter((r) => r.kind === "claim");
    assert.equal(new Set(claims.map((r) => r.id)).size, 1, "exactly one claim");
  } finally {
    await side?.stop();
    await t.cleanup();
    await devnet.stop();
  }
});

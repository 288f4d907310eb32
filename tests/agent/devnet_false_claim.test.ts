import assert from "node:assert/strict";
import { keccak256, toHex } from "viem";
import { paths } from "../../lib/agent/messages.ts";
import { requestManagerAbi } from "../../lib/chain/abi.ts";
import { startDevnet } from "../../scripts/devnet/mod.ts";
import { actors, claim, createRequest, TOKEN } from "../devnet/helpers.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { type RequestSide, startRequestSide } from "./devnet_feed.ts";

Deno.test("devnet: a false claim on a request nobody filled gets a non-fill proof and is invalidated", async () => {
  const devnet = await startDevnet({ relayOptions: { pollIntervalMs: 100 } });
  const t = await tempKv();
  let side: RequestSide | undefined;
  try {
    const info = devnet.info;
    side = await startRequestSide(info, t.kv, t.dir);
    const { reports, system } = side;
    const { a, b, user, otherLp } = actors(info);
    // the operator paused the target chain: the request stays unfilled
    system.send(paths.requests, {
      type: "Policy",
      policy: { pausedChains: [b.chainId], draining: false },
    });
    const req = await createRequest(user.a, b, 3n * TOKEN);
    const id = req.requestId.toLowerCase();
    await waitFor(
      () => reports.some((r) => r.id === id && /paused/.test(String(r.details.reason))),
      "fill deferred by the pause",
      10_000,
    );
    const fake = keccak256(toHex("no such fill"));
    const { claimId } = await claim(otherLp.a, req, fake, BigInt(info.params.claimStake));
    await waitFor(
      () =>
        reports.some((r) =>
          r.kind === "claim" && r.id === String(claimId) && r.state === "invalidated_l1_resolved"
        ),
      "claim invalidated on the source chain",
      25_000,
    );
    const invalid = await user.a.reader.readContract({
      address: a.requestManager,
      abi: requestManagerAbi,
      functionName: "isInvalidFill",
      args: [req.requestId, fake],
    });
    assert.equal(invalid, true);
    assert.ok(!reports.some((r) => r.id === id && r.state === "filled"), "never filled");
  } finally {
    await side?.stop();
    await t.cleanup();
    await devnet.stop();
  }
});

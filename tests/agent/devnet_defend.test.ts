import assert from "node:assert/strict";
import { requestManagerAbi } from "../../lib/chain/abi.ts";
import { startDevnet } from "../../scripts/devnet/mod.ts";
import { actors, challenge, createRequest, TOKEN } from "../devnet/helpers.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { type RequestSide, startRequestSide } from "./devnet_feed.ts";

Deno.test("devnet: our claim challenged by another LP is defended on chain once our fill is final", async () => {
  // no relay: the fill's proof never reaches L1, so the game is played out on the source chain
  const devnet = await startDevnet({ relay: false });
  const t = await tempKv();
  let side: RequestSide | undefined;
  try {
    const info = devnet.info;
    side = await startRequestSide(info, t.kv, t.dir);
    const { reports } = side;
    const { a, b, user, otherLp } = actors(info);
    const lp = info.accounts.lp.address.toLowerCase();
    const req = await createRequest(user.a, b, 4n * TOKEN);
    await waitFor(
      () => reports.some((r) => r.kind === "claim" && r.details.claimer === lp),
      "our claim",
      15_000,
    );
    const ours = reports.find((r) => r.kind === "claim" && r.details.claimer === lp)!;
    const claimId = BigInt(ours.id);
    const stake = BigInt(info.params.claimStake);
    await challenge(otherLp.a, req, claimId, stake + 1n);
    const read = () =>
      user.a.reader.readContract({
        address: a.requestManager,
        abi: requestManagerAbi,
        functionName: "claims",
        args: [claimId],
      });
    await waitFor(async () => (await read())[2] > stake, "our counter-move", 20_000);
    const [, claimer, claimerStake, lastChallenger, challengerStakeTotal] = await read();
    assert.equal(claimer.toLowerCase(), lp);
    assert.equal(lastChallenger.toLowerCase(), otherLp.a.address.toLowerCase());
    assert.ok(claimerStake > challengerStakeTotal, "we lead again");
    // the counter-move is sized to make a further challenge cost more than an L1 resolution
    assert.ok(claimerStake - stake >= stake, `counter-move ${claimerStake - stake} wei`);
  } finally {
    await side?.stop();
    await t.cleanup();
    await devnet.stop();
  }
});

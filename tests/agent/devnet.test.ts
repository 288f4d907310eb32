import assert from "node:assert/strict";
import { requestRouterBehaviors } from "../../actors/requests.ts";
import { devnetConfigToml } from "../../lib/agent/devnet_config.ts";
import { paths, type StatusReport } from "../../lib/agent/messages.ts";
import type { RequestActorState } from "../../lib/agent/request_state.ts";
import { settingsFromConfig } from "../../lib/agent/settings.ts";
import { requestManagerAbi } from "../../lib/chain/abi.ts";
import { parseConfig } from "../../lib/config/mod.ts";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import { shardedChildPath } from "../../lib/runtime/sharded.ts";
import type { Behavior } from "../../lib/runtime/types.ts";
import { startDevnet } from "../../scripts/devnet/mod.ts";
import { actors, createRequest, TOKEN, tokenBalance } from "../devnet/helpers.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { l1View, RollupFeed, testTxBehavior } from "./devnet_feed.ts";

Deno.test("devnet: a request is filled, claimed and withdrawn on chain by the request actors", async () => {
  const devnet = await startDevnet({ relayOptions: { pollIntervalMs: 100 } });
  const t = await tempKv();
  let system: ActorSystem | undefined;
  let polling = true;
  let feeding: Promise<void> | undefined;
  try {
    const info = devnet.info;
    const lp = info.accounts.lp;
    const toml = devnetConfigToml(info, { dataDir: t.dir, keystore: `${t.dir}/lp.json` });
    const config = parseConfig(toml, { checkFiles: false, requireSecrets: false });
    const settings = settingsFromConfig(config, lp.address, { l1Relay: "devnet" });
    assert.equal(settings.lp, lp.address.toLowerCase());

    const reports: StatusReport[] = [];
    const statusSink: Behavior<null, StatusReport> = {
      kind: "test-status",
      version: 1,
      persist: false,
      initial: () => null,
      handle: (s, m) => {
        reports.push(m);
        return { state: s };
      },
    };
    system = await ActorSystem.start({
      kv: t.kv,
      behaviors: [
        ...requestRouterBehaviors(settings),
        testTxBehavior(info, lp),
        statusSink as Behavior,
      ],
    });
    const sys = system;
    sys.spawn(paths.requests, "requests");
    sys.spawn(paths.status, "test-status");
    for (const r of info.rollups) sys.spawn(paths.txSender(r.chainId), "test-tx");

    const feeds = info.rollups.map((r) => new RollupFeed(r, info, lp.address));
    feeding = (async () => {
      while (polling) {
        sys.send(paths.requests, { type: "View", view: await l1View(info) });
        for (const f of feeds) {
          for (const m of await f.poll()) sys.send(paths.requests, m);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    const { a, b, user } = actors(info);
    const lpA = actors(info).lp.a;
    const before = await tokenBalance(lpA);
    const req = await createRequest(user.a, b, 10n * TOKEN);
    const path = shardedChildPath(paths.requests, req.requestId.toLowerCase());

    await waitFor(
      () =>
        sys.stateOf<RequestActorState>(path)?.fsm === "withdrawn" ||
        reports.some((r) => r.id === req.requestId.toLowerCase() && r.state === "withdrawn"),
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
    const claim = await user.a.reader.readContract({
      address: a.requestManager,
      abi: requestManagerAbi,
      functionName: "claims",
      args: [withdrawClaimId],
    });
    assert.equal(claim[1].toLowerCase(), lp.address.toLowerCase(), "our claim got the deposit");
    const after = await tokenBalance(lpA);
    assert.equal(after - before, req.amount + req.lpFee, "amount and LP fee paid to the LP");
    const states = reports.filter((r) => r.kind === "request").map((r) => r.state);
    assert.ok(states.includes("filled") && states.includes("withdrawn"), states.join(","));
    const claims = reports.filter((r) => r.kind === "claim");
    assert.equal(new Set(claims.map((r) => r.id)).size, 1, "exactly one claim");
  } finally {
    polling = false;
    await feeding?.catch(() => {}); // a read cut short by the stop
    await system?.stop();
    await t.cleanup();
    await devnet.stop();
  }
});

import assert from "node:assert/strict";
import { ActorSystem, type Behavior } from "../../lib/runtime/mod.ts";
import { controlBehavior } from "../../actors/control.ts";
import { statusBehavior, type StatusState } from "../../actors/status.ts";
import type { CommandResult, RouterMsg, StatusReport } from "../../lib/agent/messages.ts";
import { applyCommand } from "../../lib/agent/policy.ts";
import { latencyQuantile, progressLine } from "../../lib/agent/status_tally.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";

/** Records every message it receives, for assertions. */
function recorder(kind: string): Behavior<{ got: unknown[] }, unknown> {
  return {
    kind,
    version: 1,
    initial: () => ({ got: [] }),
    handle: (s, m) => ({ state: { got: [...s.got, m] } }),
  };
}

function report(id: string, state: string, at: number, details = {}): StatusReport {
  return {
    type: "Status",
    kind: "request",
    id,
    state,
    chainId: 1,
    at: new Date(at).toISOString(),
    details,
  };
}

Deno.test("pause and resume change only the paused chain; unknown chains are refused", () => {
  const base = { pausedChains: [], draining: false };
  const paused = applyCommand(base, { kind: "pause_chain", chainId: 7 }, [7, 8]);
  assert.deepEqual(paused.policy.pausedChains, [7]);
  assert.deepEqual(
    applyCommand(paused.policy, { kind: "pause_chain", chainId: 7 }, [7, 8]).policy,
    paused.policy,
    "pausing twice is idempotent",
  );
  const refused = applyCommand(base, { kind: "pause_chain", chainId: 9 }, [7, 8]);
  assert.equal(refused.ok, false);
  assert.match(refused.detail, /chain 9 is not configured/);
  assert.deepEqual(refused.policy, base);
  const resumed = applyCommand(paused.policy, { kind: "resume_chain", chainId: 7 }, [7, 8]);
  assert.deepEqual(resumed.policy.pausedChains, []);
  assert.equal(applyCommand(base, { kind: "drain" }).policy.draining, true);
});

Deno.test("control answers commands, tells the router, and re-announces its policy after a restart", async () => {
  const t = await tempKv();
  const behaviors = [controlBehavior as Behavior, recorder("router"), recorder("link")];
  let system = await ActorSystem.start({ kv: t.kv, behaviors });
  try {
    system.spawn("/requests", "router");
    system.spawn("/link", "link");
    system.spawn("/control", "control", { chains: [31338] });
    system.send("/control", {
      type: "LinkCommand",
      id: "c1",
      command: { kind: "pause_chain", chainId: 31338 },
      replyTo: "/link",
    });
    system.send("/control", {
      type: "LinkCommand",
      id: "c2",
      command: { kind: "resync" },
      replyTo: "/link",
    });
    await waitFor(
      () => (system.stateOf<{ got: unknown[] }>("/link")?.got.length ?? 0) === 2,
      "2 results",
    );
    const results = system.stateOf<{ got: CommandResult[] }>("/link")!.got;
    assert.deepEqual(results.map((r) => [r.id, r.ok]), [["c1", true], ["c2", true]]);
    const routed = system.stateOf<{ got: RouterMsg[] }>("/requests")!.got;
    assert.deepEqual(routed.at(-2), {
      type: "Policy",
      policy: { pausedChains: [31338], draining: false },
    });
    assert.deepEqual(routed.at(-1), { type: "Resync" });
    await system.stop();
    system = await ActorSystem.start({ kv: await t.reopen(), behaviors });
    await waitFor(
      () =>
        system.stateOf<{ got: RouterMsg[] }>("/requests")?.got.some((m) =>
          m.type === "Policy" && m.policy.pausedChains[0] === 31338
        ) ?? false,
      "policy announced again after restart",
    );
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("the status hub counts transitions once, ignores re-sends and forwards to the link queue", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [statusBehavior as Behavior, recorder("queue")],
  });
  try {
    system.spawn("/link/queue", "queue");
    system.spawn("/status", "status", { forwardToLink: true });
    const t0 = Date.parse("2026-01-01T00:00:00Z");
    system.send("/status", report("a", "pending", t0));
    system.send("/status", report("a", "filled", t0 + 40, { from: "pending" }));
    system.send("/status", report("a", "filled", t0 + 50, { resend: true }));
    system.send("/status", report("b", "pending", t0));
    system.send("/status", report("b", "ignored", t0 + 1, { from: "pending", reason: "expired" }));
    await waitFor(() => system.stateOf<StatusState>("/status")?.reports === 5, "5 reports");
    const s = system.stateOf<StatusState>("/status")!;
    assert.deepEqual(
      [s.requests.seen, s.requests.filled, s.requests.ignored],
      [2, 1, 1],
    );
    assert.equal(s.reasons["ignored: expired"], 1);
    assert.equal(latencyQuantile(s, 0.5), 50, "a 40 ms fill lands in the ≤50 ms bucket");
    assert.match(progressLine(s), /seen 2 · filled 1 .* ignored 1 \(expired×1\)/);
    await waitFor(
      () => system.stateOf<{ got: unknown[] }>("/link/queue")?.got.length === 5,
      "every report forwarded, re-sends included",
    );
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

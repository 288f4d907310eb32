/** Instance leases: one holder per (chain, account), fencing tokens, expiry and takeover. */

import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock.ts";
import { holdInstance, InstanceBusyError, listLeases, requestStop } from "../../lib/kv/lease.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { LineReader } from "../support/lines.ts";

const ACCOUNT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

Deno.test("a second holder is refused with the holder named; release frees the pairs", async () => {
  const t = await tempKv();
  const clock = new ManualClock(1_000_000);
  try {
    const a = await holdInstance(t.kv, { chainIds: [1, 2], account: ACCOUNT, clock });
    assert.equal(a.valid(), true);
    await assert.rejects(
      holdInstance(t.kv, { chainIds: [2, 3], account: ACCOUNT.toLowerCase(), clock }),
      (e: unknown) => {
        assert.ok(e instanceof InstanceBusyError);
        assert.match(e.message, new RegExp(`pid ${Deno.pid}`));
        assert.match(e.message, /chain 2/);
        assert.match(e.message, /since 1970-01-01T00:16:40\.000Z/);
        return true;
      },
    );
    // Nothing of the refused attempt was written (all or none).
    assert.equal((await listLeases(t.kv, clock.now())).length, 2);
    // Another account on the same chains is independent.
    const other = await holdInstance(t.kv, { chainIds: [1], account: "0x01", clock });
    await other.release();
    await a.release();
    assert.equal(a.valid(), false);
    const b = await holdInstance(t.kv, { chainIds: [2, 3], account: ACCOUNT, clock });
    assert.equal(b.tokens.get(2), 1); // a released lease is deleted: the token restarts
    await b.release();
  } finally {
    await t.cleanup();
  }
});

Deno.test("an unrenewed lease expires; the taker gets a larger token; the old one is lost", async () => {
  const t = await tempKv();
  const clock = new ManualClock(5_000);
  try {
    const lost: string[] = [];
    const a = await holdInstance(t.kv, {
      chainIds: [10],
      account: ACCOUNT,
      clock,
      ttlMs: 3000,
      onLost: (r) => lost.push(r),
    });
    // The holder stalls (no timers fire): its own view turns invalid at the ttl.
    const stalled = new ManualClock(5_000);
    const a2 = await holdInstance(t.kv, { chainIds: [11], account: ACCOUNT, clock: stalled });
    await a2.release();
    await assert.rejects(
      holdInstance(t.kv, { chainIds: [10], account: ACCOUNT, clock }),
      InstanceBusyError,
    );
    // Renewal keeps it alive past the first ttl.
    clock.advance(1000);
    await waitFor(async () => (await listLeases(t.kv, 0))[0].renewedAt === 6000, "renewal", 5000);
    assert.equal(a.valid(), true);
    // Another holder takes over once it expires (simulated by a clock far ahead).
    const later = new ManualClock(20_000);
    const b = await holdInstance(t.kv, { chainIds: [10], account: ACCOUNT, clock: later });
    assert.ok(b.tokens.get(10)! > a.tokens.get(10)!);
    clock.advance(1000); // a's next renewal finds b
    await waitFor(() => lost.length === 1, "lease lost", 5000);
    assert.match(lost[0], new RegExp(b.instanceId));
    assert.equal(a.valid(), false);
    await a.release(); // releasing a lost hold must not delete b's lease
    assert.equal((await listLeases(t.kv, 0))[0].instanceId, b.instanceId);
    await b.release();
  } finally {
    await t.cleanup();
  }
});

Deno.test("valid() turns false when renewals stop, before the lease can be taken", async () => {
  const t = await tempKv();
  const clock = new ManualClock(0);
  try {
    const a = await holdInstance(t.kv, { chainIds: [1], account: ACCOUNT, clock, ttlMs: 900 });
    t.kv.close(); // renewals now fail
    clock.advance(300);
    clock.advance(300);
    clock.advance(299);
    assert.equal(a.valid(), true);
    clock.advance(1);
    assert.equal(a.valid(), false);
    await a.release().catch(() => {});
  } finally {
    await t.cleanup();
  }
});

async function event(r: LineReader, n: number): Promise<Record<string, unknown>> {
  const lines = await r.until((l) => l.length > n);
  assert.ok(lines.length > n, `child ended after ${lines.length} lines: ${lines.join(" | ")}`);
  return JSON.parse(lines[n]);
}

Deno.test("two processes on one KV file: busy, stop request, crash and takeover", async () => {
  const t = await tempKv();
  const child = new URL("./lease_child.ts", import.meta.url).pathname;
  const procs: Deno.ChildProcess[] = [];
  const spawn = (...extra: string[]) => {
    const p = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", child, t.path, "600", ...extra],
      stdout: "piped",
      stderr: "inherit",
      stdin: "null",
    }).spawn();
    procs.push(p);
    return { p, out: new LineReader(p.stdout) };
  };
  try {
    const first = spawn("--hang");
    const held = await event(first.out, 0);
    assert.equal(held.event, "held");

    const second = spawn();
    const busy = await event(second.out, 0);
    assert.equal(busy.event, "busy");
    assert.match(String(busy.message), new RegExp(`instance ${held.instanceId}`));
    await second.p.status;

    // Crash: kill the holder; its lease expires (600 ms) and a new process takes over.
    first.p.kill("SIGKILL");
    await first.p.status;
    let taker: { p: Deno.ChildProcess; out: LineReader } | undefined;
    let takerHeld: Record<string, unknown> = {};
    await waitFor(
      async () => {
        const c = spawn();
        const ev = await event(c.out, 0);
        if (ev.event === "held") {
          taker = c;
          takerHeld = ev;
          return true;
        }
        await c.p.status;
        return false;
      },
      "takeover",
      20_000,
    );
    const tok = (e: Record<string, unknown>) => (e.tokens as Record<string, number>)["901"];
    assert.ok(tok(takerHeld) > tok(held));

    // Graceful stop through the KV.
    await requestStop(t.kv, String(takerHeld.instanceId));
    assert.equal((await event(taker!.out, 1)).event, "stop");
    assert.equal((await event(taker!.out, 2)).event, "released");
    assert.equal((await taker!.p.status).code, 0);
    assert.equal((await listLeases(t.kv)).length, 0);
  } finally {
    for (const p of procs) {
      try {
        p.kill("SIGKILL");
      } catch { /* already exited */ }
      await p.status.catch(() => {});
    }
    await t.cleanup();
  }
});

Deno.test("a holder on this host whose process is gone is taken over before its lease runs out", async () => {
  const t = await tempKv();
  const clock = new ManualClock(1_000_000);
  try {
    // A process that has exited: its pid no longer exists on this host.
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    const deadHolder = {
      instanceId: "crashed1",
      pid: gone.pid,
      host: Deno.hostname(),
      since: clock.now(),
      renewedAt: clock.now(),
      expiresAt: clock.now() + 60_000,
      token: 7,
      chainId: 5,
      account: ACCOUNT.toLowerCase(),
    };
    await t.kv.set(["tern", "lease", 5, ACCOUNT.toLowerCase()], deadHolder);
    const taker = await holdInstance(t.kv, { chainIds: [5], account: ACCOUNT, clock });
    assert.equal(taker.tokens.get(5), 8, "the fencing token still rises");
    await taker.release();
    // A live holder elsewhere (another host) is still refused until its lease expires.
    await t.kv.set(["tern", "lease", 5, ACCOUNT.toLowerCase()], {
      ...deadHolder,
      host: "elsewhere",
    });
    await assert.rejects(
      holdInstance(t.kv, { chainIds: [5], account: ACCOUNT, clock }),
      InstanceBusyError,
    );
  } finally {
    await t.cleanup();
  }
});

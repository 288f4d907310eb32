import assert from "node:assert/strict";
import {
  Bench,
  created,
  filled,
  fixtureSettings,
  LP,
  OTHER,
  ref,
  REQ,
  SRC,
  T0,
  TGT,
  TGT_TOKEN,
} from "./fixtures.ts";

const FILL_SELECTOR = "0xac7f380a";

Deno.test("a valid request is filled on the target chain with an idempotent durable SendTx", () => {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  const [tx] = b.txs();
  assert.ok(tx, "a fill is sent");
  assert.equal(tx.id, `fill:${REQ}`);
  assert.equal(tx.purpose, "fill");
  assert.equal(tx.chain, `/chain:${TGT}/tx`);
  assert.equal(tx.durable, true);
  assert.equal(tx.replyTo, b.self);
  assert.ok(tx.data.startsWith(FILL_SELECTOR));
  // a repeated view sends no second fill while the first is pending
  b.views();
  assert.equal(b.txs().length, 0);
});

Deno.test("fill mined, then our RequestFilled: the request is claimed with exactly the claim stake", () => {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  b.outcome("fill", "mined");
  assert.equal(b.state.fsm, "filled");
  b.event(filled(LP), ref(TGT, T0));
  const [tx] = b.txs();
  assert.equal(tx.id, `claim:${REQ}`);
  assert.equal(tx.chain, `/chain:${SRC}/tx`);
  assert.equal(tx.value, "100");
  b.outcome("claim", "mined");
  assert.equal(b.state.fsm, "claimed");
});

Deno.test("a low allowance is approved first; the fill follows the mined approve", () => {
  const b = new Bench();
  b.views({ [TGT]: { tokens: { [TGT_TOKEN]: { balance: "1000", allowance: "0" } } } });
  b.event(created(), ref(SRC, T0));
  assert.deepEqual(b.txs().map((t) => t.purpose), ["approve"]);
  b.outcome("approve", "mined");
  assert.deepEqual(b.txs().map((t) => t.purpose), ["fill"]);
});

Deno.test("an expired request is ignored with reason expired", () => {
  const b = new Bench();
  b.views({}, 4000); // target chain time past validUntil
  b.event(created(), ref(SRC, T0));
  assert.equal(b.state.fsm, "ignored");
  assert.equal(b.state.reason, "expired");
  assert.equal(b.txs().length, 0);
  assert.equal(b.statuses()[0].details.reason, "expired");
});

Deno.test("a request inside the unsafe fill time is ignored with reason unsafe", () => {
  const b = new Bench();
  b.views();
  b.event(created({ validUntil: T0 + 500 }), ref(SRC, T0));
  assert.equal(b.state.fsm, "ignored");
  assert.equal(b.state.reason, "unsafe");
});

Deno.test("insufficient balance defers the fill; a top-up while still safe fills it", () => {
  const b = new Bench();
  const poor = { [TGT]: { tokens: { [TGT_TOKEN]: { balance: "50", allowance: "999999" } } } };
  b.views(poor);
  b.event(created(), ref(SRC, T0));
  assert.equal(b.state.fsm, "pending");
  assert.equal(b.state.deferred, true);
  assert.equal(b.state.reason, "insufficient_balance");
  assert.equal(b.statuses()[0].details.deferred, true);
  assert.ok(b.state.subscribed.length > 0, "waits for views");
  b.advance(10);
  b.views();
  assert.deepEqual(b.txs().map((t) => t.purpose), ["fill"]);
});

Deno.test("insufficient balance until the unsafe window: ignored, never filled", () => {
  const b = new Bench();
  const poor = { [TGT]: { tokens: { [TGT_TOKEN]: { balance: "50", allowance: "999999" } } } };
  b.views(poor);
  b.event(created(), ref(SRC, T0));
  b.advance(3100);
  b.views();
  assert.equal(b.state.fsm, "ignored");
  assert.equal(b.state.reason, "unsafe");
  assert.equal(b.txs().length, 0);
});

Deno.test("a stale or unanswering chain defers the fill; a fresh view resumes it", () => {
  const b = new Bench();
  b.views({ [TGT]: { at: T0 * 1000 - 60_000 } });
  b.event(created(), ref(SRC, T0));
  assert.equal(b.txs().length, 0);
  assert.match(b.state.reason!, /stale_view: chain 20: view older than 30 s/);
  b.view(SRC, { rpcOk: false });
  assert.match(b.state.reason!, /RPC not answering/);
  b.view(SRC);
  b.view(TGT, { head: 110, synced: 100 });
  assert.match(b.state.reason!, /trail the head/);
  assert.equal(b.txs().length, 0);
  b.view(TGT);
  assert.deepEqual(b.txs().map((t) => t.purpose), ["fill"]);
});

Deno.test("a paused target chain defers the fill; resume fills if still safe", () => {
  const b = new Bench();
  b.send({ type: "Policy", policy: { pausedChains: [TGT], draining: false } });
  b.views();
  b.event(created(), ref(SRC, T0));
  assert.equal(b.state.fsm, "pending");
  assert.match(b.state.reason!, /paused/);
  assert.equal(b.txs().length, 0);
  b.send({ type: "Policy", policy: { pausedChains: [], draining: false } });
  assert.deepEqual(b.txs().map((t) => t.purpose), ["fill"]);
});

Deno.test("draining: a new request is ignored with reason draining; a started fill is finished", () => {
  const b = new Bench();
  b.send({ type: "Policy", policy: { pausedChains: [], draining: true } });
  b.views();
  b.event(created(), ref(SRC, T0));
  assert.equal(b.state.fsm, "ignored");
  assert.equal(b.state.reason, "draining");

  const c = new Bench();
  c.views();
  c.event(created(), ref(SRC, T0));
  c.send({ type: "Policy", policy: { pausedChains: [], draining: true } });
  c.outcome("fill", "mined");
  c.event(filled(LP), ref(TGT, T0));
  assert.deepEqual(c.txs().map((t) => t.purpose), ["claim"]);
});

Deno.test("LP policy: fee below the minimum, amount above the maximum, unknown token → ignored", () => {
  const fee = new Bench(fixtureSettings({ minFeePpm: 200_000 }));
  fee.views();
  fee.event(created(), ref(SRC, T0)); // lpFee 10 < 100 * 20 %
  assert.equal(fee.state.reason, "fee_below_min");
  const max = new Bench(
    fixtureSettings({ tokenPolicy: { TST: { maxAmount: "99", reserveBalance: "0" } } }),
  );
  max.views();
  max.event(created(), ref(SRC, T0));
  assert.equal(max.state.reason, "amount_above_max");
  const reserve = new Bench(fixtureSettings({ tokenPolicy: { TST: { reserveBalance: "950" } } }));
  reserve.views();
  reserve.event(created(), ref(SRC, T0));
  assert.equal(reserve.state.reason, "insufficient_balance");
  const tok = new Bench();
  tok.views();
  tok.event(created({ targetToken: "0x9999999999999999999999999999999999999999" }), ref(SRC, T0));
  assert.equal(tok.state.reason, "token_not_configured");
});

Deno.test("an LP not whitelisted on the target FillManager does not fill", () => {
  const b = new Bench();
  b.views();
  const v = b.state.views[String(TGT)];
  b.send({
    type: "View",
    view: { ...v, params: { ...v.params!, lpAllowedOnFillManager: false } },
  });
  b.event(created(), ref(SRC, T0));
  assert.equal(b.state.fsm, "ignored");
  assert.equal(b.state.reason, "lp_not_whitelisted");
});

Deno.test("another LP filled first: no fill, and the request records their fill", () => {
  const b = new Bench();
  b.event(filled(OTHER), ref(TGT, T0));
  b.views();
  b.event(created(), ref(SRC, T0));
  assert.equal(b.state.fsm, "filled");
  assert.equal(b.txs().length, 0);
  assert.equal(b.state.fill?.filler, OTHER);
});

Deno.test("events before their request are kept and applied when it appears", () => {
  const b = new Bench();
  b.views();
  const f = ref(TGT, T0);
  b.event(filled(LP), f);
  assert.equal(b.state.created, false);
  assert.equal(b.state.early.length, 1);
  assert.equal(b.txs().length, 0);
  b.event(created(), ref(SRC, T0));
  assert.equal(b.state.fsm, "filled");
  assert.equal(b.state.early.length, 0);
  assert.deepEqual(b.txs().map((t) => t.purpose), ["claim"], "claims our early-seen fill");
});

Deno.test("a fill reverted with Already filled is not retried and does not crash", () => {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  b.outcome("fill", "reverted", "Already filled");
  assert.equal(b.state.fsm, "pending");
  assert.equal(b.state.fillBlocked, "Already filled");
  b.views();
  assert.equal(b.txs().length, 0);
});

Deno.test("a failed fill is retried later under a new id, for as long as it is safe", () => {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  b.sentTxs();
  b.outcome("fill", "failed", "connection refused");
  assert.equal(b.txs().length, 0, "not at once");
  assert.ok(b.timers.has("tick"));
  b.advance(5);
  b.send({ type: "Tick" });
  b.views();
  assert.deepEqual(b.sentTxs().map((t) => t.id), [`fill:${REQ}:1`]);
  for (let i = 0; i < 3; i++) {
    b.outcome("fill", "failed", "connection refused");
    b.advance(60);
    b.views();
  }
  assert.equal(b.state.fillBlocked, undefined, "failures off the chain do not block");
  assert.equal(b.sentTxs().map((t) => t.id).at(-1), `fill:${REQ}:4`);
});

Deno.test("a fill that keeps reverting is given up after the attempt limit", () => {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  for (let i = 0; i < 3; i++) {
    b.outcome("fill", "reverted", "ERC20: transfer amount exceeds balance");
    b.advance(60);
    b.views();
  }
  assert.ok(b.state.fillBlocked);
  assert.equal(b.txs().length, 0);
});

Deno.test("RequestCreated removed by a reorg before we filled: no fill, reflected in state", () => {
  const b = new Bench();
  b.send({ type: "Policy", policy: { pausedChains: [TGT], draining: false } });
  b.views();
  const r = ref(SRC, T0);
  b.event(created(), r);
  b.send({ type: "EventRemoved", ref: r });
  assert.equal(b.state.created, false);
  assert.match(b.state.reason!, /removed by a reorg/);
  b.send({ type: "Policy", policy: { pausedChains: [], draining: false } });
  assert.equal(b.txs().length, 0);
  // the same request mined again in the new branch is handled afresh
  b.event(created(), ref(SRC, T0, 51));
  assert.deepEqual(b.txs().map((t) => t.purpose), ["fill"]);
});

Deno.test("events are acknowledged durably and applied once", () => {
  const b = new Bench();
  b.views();
  const r = ref(SRC, T0);
  const effects = b.send({ type: "Event", event: created(), ref: r, ack: { to: "/w", batch: 7 } });
  const ack = effects.find((e) => e.kind === "send" && e.to === "/w");
  assert.deepEqual(ack, {
    kind: "send",
    to: "/w",
    msg: { type: "EventAck", batch: 7, key: r.key },
    ensure: undefined,
    durable: true,
  });
  const again = b.send({ type: "Event", event: created(), ref: r, ack: { to: "/w", batch: 8 } });
  assert.equal(b.txs(again).length, 0);
  assert.equal(b.state.history.filter((h) => h.reason === "created").length, 1);
});

Deno.test("Resync and restart re-send the current status", () => {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  b.send({ type: "Resync" });
  assert.equal(b.statuses().length, 1);
  assert.equal(b.statuses()[0].id, REQ);
  assert.deepEqual(b.behavior.onStart?.(b.state, "restart"), { type: "Resync" });
  assert.deepEqual(b.behavior.onStart?.(b.state, "recovery"), { type: "Resync" });
  assert.equal(
    b.behavior.onStart?.(b.state, "activation"),
    undefined,
    "waking from a passivated snapshot re-sends nothing",
  );
});

Deno.test("a failing approve is retried a bounded number of times", () => {
  const b = new Bench();
  const low = { [TGT]: { tokens: { [TGT_TOKEN]: { balance: "1000", allowance: "0" } } } };
  b.views(low);
  b.event(created(), ref(SRC, T0));
  for (let i = 0; i < 3; i++) {
    b.outcome("approve", "reverted", "execution reverted");
    b.advance(60);
    b.views(low);
  }
  assert.equal(b.txs().length, 0);
  assert.match(b.state.fillBlocked!, /approve reverted/);
});

Deno.test("requests on one token share one approval; one whose approval another sent fills once the allowance shows", () => {
  const low = { [TGT]: { tokens: { [TGT_TOKEN]: { balance: "1000", allowance: "0" } } } };
  const first = new Bench();
  first.views(low);
  first.event(created(), ref(SRC, T0));
  const second = new Bench();
  second.views(low);
  second.event(created({ nonce: "2" }), ref(SRC, T0));
  const [a] = first.txs();
  const [b] = second.txs();
  assert.equal(a.purpose, "approve");
  assert.equal(a.id, b.id, "the same approval id: the sender sends it once");
  assert.ok(second.state.subscribed.length > 0, "it watches the views for the allowance");
  assert.ok(second.timers.has("tick"), "and sends its own approval if none shows up");
  // Only the first requester hears the outcome; the second sees the allowance in a view.
  second.views();
  assert.deepEqual(second.txs().map((t) => t.purpose), ["fill"]);
});

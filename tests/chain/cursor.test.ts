import assert from "node:assert/strict";
import type { Hex } from "../../lib/agent/messages.ts";
import {
  ackOverdue,
  applyAck,
  applyRead,
  type Block,
  type CursorState,
  emptyCursor,
  forkCandidates,
  hashAt,
  limitRead,
  pendingCount,
  rewindToCursor,
  rollback,
} from "../../lib/chain/cursor.ts";
import type { DecodedEvent } from "../../lib/chain/decode.ts";
import { grow, isRangeTooLarge, nextRange, shrink } from "../../lib/chain/ranges.ts";

const h = (n: number, fork = 0) => `0x${(fork * 1000 + n).toString(16).padStart(64, "0")}` as Hex;
const block = (n: number, fork = 0): Block => ({ n, h: h(n, fork) });

function ev(n: number, logIndex: number, fork = 0): DecodedEvent {
  const blockHash = h(n, fork);
  return {
    id: `0x${"ab".repeat(32)}`,
    event: {
      type: "DepositWithdrawn",
      requestId: `0x${"ab".repeat(32)}`,
      receiver: `0x${"11".repeat(20)}`,
    },
    ref: {
      chainId: 1,
      blockNumber: n,
      blockHash,
      logIndex,
      txHash: blockHash,
      timestamp: 1000 + n,
      key: `${blockHash}:${logIndex}`,
    },
  };
}

function read(s: CursorState, to: number, events: DecodedEvent[], now = 0, fork = 0) {
  return applyRead(s, {
    to: block(to, fork),
    ts: 1000 + to,
    events,
    blocks: events.map((e) => ({ n: e.ref.blockNumber, h: e.ref.blockHash })),
  }, now);
}

Deno.test("a read without events moves the cursor at once when nothing is pending", () => {
  const r = read(emptyCursor(), 10, []);
  assert.deepEqual(r.state.cursor, block(10));
  assert.deepEqual(r.state.tip, block(10));
  assert.equal(r.send.length, 0);
});

Deno.test("the cursor moves past a batch only when every event of it was acknowledged", () => {
  const a = read(emptyCursor(), 5, [ev(3, 0), ev(5, 1)]);
  assert.equal(a.batch, 1);
  assert.equal(a.send.length, 2);
  assert.equal(a.state.cursor, null);
  assert.deepEqual(a.state.tip, block(5));
  const b = read(a.state, 8, []); // empty read extends the pending batch
  assert.equal(b.state.batches.length, 1);
  let s = applyAck(b.state, 1, a.send[0].ref.key);
  assert.equal(s.cursor, null);
  s = applyAck(s, 1, a.send[0].ref.key); // a duplicate ack changes nothing
  assert.equal(pendingCount(s), 1);
  s = applyAck(s, 1, a.send[1].ref.key);
  assert.deepEqual(s.cursor, block(8), "the cursor covers the merged empty range too");
  assert.equal(s.batches.length, 0);
});

Deno.test("a later batch acknowledged first does not move the cursor past an earlier one", () => {
  const a = read(emptyCursor(), 5, [ev(5, 0)]);
  const b = read(a.state, 9, [ev(9, 0)]);
  let s = applyAck(b.state, 2, b.send[0].ref.key);
  assert.equal(s.cursor, null);
  s = applyAck(s, 1, a.send[0].ref.key);
  assert.deepEqual(s.cursor, block(9));
});

Deno.test("acks for unknown batches are ignored", () => {
  const a = read(emptyCursor(), 5, [ev(5, 0)]);
  assert.equal(applyAck(a.state, 99, a.send[0].ref.key), a.state);
});

Deno.test("an overdue batch is detected and rewinding resends from the cursor", () => {
  const a = read(read(emptyCursor(), 2, []).state, 5, [ev(5, 0)], 1_000);
  assert.equal(ackOverdue(a.state, 1_500, 1_000), false);
  assert.equal(ackOverdue(a.state, 2_001, 1_000), true);
  const r = rewindToCursor(a.state);
  assert.deepEqual(r.tip, block(2));
  assert.equal(r.batches.length, 0);
});

Deno.test("a rollback retracts deliveries above the fork point and never keeps the cursor above it", () => {
  let s = read(emptyCursor(), 4, [ev(3, 0)]).state;
  s = applyAck(s, 1, ev(3, 0).ref.key);
  s = read(s, 6, [ev(6, 0)]).state;
  s = applyAck(s, 2, ev(6, 0).ref.key);
  s = read(s, 8, [ev(8, 2)]).state;
  assert.deepEqual(s.cursor, block(6));
  const back = rollback(s, block(5));
  assert.deepEqual(back.removed.map((d) => d.ref.blockNumber), [6, 8]);
  assert.deepEqual(back.state.cursor, block(5));
  assert.deepEqual(back.state.tip, block(5));
  assert.equal(back.state.batches.length, 0);
  assert.ok(back.state.hashes.every((b) => b.n <= 5));
  assert.equal(hashAt(back.state, 5), h(5));
});

Deno.test("a rollback below pending batches re-reads from the last surviving batch", () => {
  let s = read(emptyCursor(), 4, [ev(4, 0)]).state;
  s = read(s, 7, [ev(7, 0)]).state;
  const back = rollback(s, block(6));
  assert.deepEqual(back.state.tip, block(4), "batch 2 ended above the fork; its range is re-read");
  assert.equal(back.state.batches.length, 1);
  assert.deepEqual(back.removed.map((d) => d.ref.blockNumber), [7]);
});

Deno.test("fork candidates are the remembered blocks, newest first", () => {
  let s = read(emptyCursor(), 4, [ev(2, 0)]).state;
  s = read(s, 9, []).state;
  assert.deepEqual(forkCandidates(s).map((b) => b.n), [9, 4, 2]);
});

Deno.test("the hash window is bounded", () => {
  let s = emptyCursor();
  for (let n = 1; n <= 200; n++) s = read(s, n, []).state;
  assert.equal(s.hashes.length, 64);
  assert.equal(s.hashes[0].n, 137);
});

Deno.test("a burst of events is cut at a block boundary to stay within the pending bound", () => {
  const events = [ev(3, 0), ev(3, 1), ev(4, 0), ev(5, 0), ev(5, 1)];
  const r = limitRead(
    { to: block(9), ts: 1009, events, blocks: events.map((e) => block(e.ref.blockNumber)) },
    3,
    (n) => 1000 + n,
  );
  assert.deepEqual(r.to, block(4));
  assert.equal(r.events.length, 3);
  const one = limitRead(
    { to: block(9), ts: 1009, events, blocks: [] },
    1,
    (n) => 1000 + n,
  );
  assert.deepEqual(one.to, block(3), "at least one whole block is kept");
  assert.equal(one.events.length, 2);
});

Deno.test("adaptive ranges stay within [1, max], shrink on errors and grow on quick reads", () => {
  assert.deepEqual(nextRange(10, 100, 20), { from: 10, to: 29 });
  assert.deepEqual(nextRange(10, 12, 20), { from: 10, to: 12 });
  assert.equal(nextRange(13, 12, 20), undefined);
  assert.equal(grow(20, 10, 1000), 40);
  assert.equal(grow(800, 10, 1000), 1000);
  assert.equal(grow(800, 5_000, 1000), 800);
  assert.equal(shrink(100), 20);
  assert.equal(shrink(3), 1);
  assert.equal(isRangeTooLarge("query returned more than 10000 results"), true);
  assert.equal(isRangeTooLarge("exceed maximum block range: 5000"), true);
  assert.equal(isRangeTooLarge("execution reverted"), false);
});

Deno.test("a state at every bound of the bookkeeping stays well under KV's 64 KiB per value", () => {
  let s = emptyCursor();
  // Many blocks read (hash window full), deliveries remembered, and the pending bound reached.
  for (let n = 1; n <= 100; n++) s = read(s, n, []).state;
  let logIndex = 0;
  for (let n = 101; pendingCount(s) < 128; n++) {
    s = read(s, n, [0, 1, 2, 3].map(() => ev(n, logIndex++))).state;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(s)).length;
  assert.equal(s.delivered.length, 48);
  assert.equal(s.hashes.length, 64);
  assert.ok(bytes < 48 * 1024, `${bytes} bytes`);
});

Deno.test("cutting a very large read keeps the first events that fit", () => {
  const events: DecodedEvent[] = [];
  for (let n = 1; n <= 5_000; n++) for (let i = 0; i < 4; i++) events.push(ev(n, i));
  const r = limitRead({ to: block(5_000), ts: 6_000, events, blocks: [] }, 128, (n) => 1000 + n);
  assert.equal(r.events.length, 128);
  assert.deepEqual(r.to, block(32));
});

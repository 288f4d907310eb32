import assert from "node:assert/strict";
import fc from "fast-check";
import {
  backoffDelayMs,
  DEFAULT_BACKOFF,
  initialSenderState,
  type OutboxEntry,
  type SenderAction,
  type SenderState,
  senderStep,
} from "../../lib/link/mod.ts";

const opts = { window: 10, pageSize: 4 };

function entries(from: number, to: number): OutboxEntry<unknown>[] {
  return Array.from(
    { length: to - from + 1 },
    (_, i) => ({ seq: from + i, message: { n: from + i } }),
  );
}

function ready(lastSeq: number, welcome: number): { state: SenderState; actions: SenderAction[] } {
  let state = initialSenderState({ lastSeq, lastAckedSeq: 0 });
  state = senderStep(state, { type: "connected" }, opts).state;
  return senderStep(state, { type: "welcome", lastReceivedSeq: welcome }, opts);
}

Deno.test("on connect the sender says hello with the outbox's acked seq", () => {
  const state = initialSenderState({ lastSeq: 9, lastAckedSeq: 4 });
  const step = senderStep(state, { type: "connected" }, opts);
  assert.deepEqual(step.actions, [{ type: "sendHello", lastAckedSeq: 4 }]);
  assert.equal(step.state.link, "greeting");
});

Deno.test("nothing is read or sent before the welcome", () => {
  let state = initialSenderState({ lastSeq: 0, lastAckedSeq: 0 });
  state = senderStep(state, { type: "connected" }, opts).state;
  const step = senderStep(state, { type: "appended", lastSeq: 5 }, opts);
  assert.deepEqual(step.actions, []);
});

Deno.test("after the welcome sending resumes right after the coordinator's last received seq", () => {
  const step = ready(8, 3);
  assert.deepEqual(step.actions, [
    { type: "ackOutbox", seq: 3 },
    { type: "read", afterSeq: 3, limit: 4 },
  ]);
  const sent = senderStep(step.state, { type: "read", afterSeq: 3, entries: entries(4, 7) }, opts);
  assert.deepEqual(sent.actions[0], { type: "send", entries: entries(4, 7) });
  assert.deepEqual(sent.actions[1], { type: "read", afterSeq: 7, limit: 4 });
  assert.equal(sent.state.sent, 7);
});

Deno.test("no more than the window is in flight until acks arrive", () => {
  let { state } = ready(100, 0);
  const sentBatches: number[] = [];
  for (let i = 0; i < 5 && state.reading !== null; i++) {
    const after = state.reading;
    const step = senderStep(state, {
      type: "read",
      afterSeq: after,
      entries: entries(after + 1, after + 4),
    }, opts);
    state = step.state;
    for (const a of step.actions) if (a.type === "send") sentBatches.push(a.entries.length);
  }
  assert.equal(state.sent, 10, "the window of 10 is full");
  assert.equal(state.reading, null);
  const acked = senderStep(state, { type: "ack", seq: 6 }, opts);
  assert.deepEqual(acked.actions, [
    { type: "ackOutbox", seq: 6 },
    { type: "read", afterSeq: 10, limit: 4 },
  ]);
});

Deno.test("a page that arrives after a disconnect or a rewind is not sent", () => {
  const { state } = ready(8, 0);
  const down = senderStep(state, { type: "disconnected" }, opts).state;
  const late = senderStep(down, { type: "read", afterSeq: 0, entries: entries(1, 4) }, opts);
  assert.deepEqual(late.actions, []);
  const gap = senderStep(state, { type: "gap" }, opts);
  const stale = senderStep(gap.state, { type: "read", afterSeq: 99, entries: entries(1, 4) }, opts);
  assert.ok(!stale.actions.some((a) => a.type === "send"));
});

Deno.test("a gap rewinds sending to the last ack", () => {
  let { state } = ready(8, 0);
  state = senderStep(state, { type: "read", afterSeq: 0, entries: entries(1, 4) }, opts).state;
  state = senderStep(state, { type: "ack", seq: 2 }, opts).state;
  const step = senderStep({ ...state, reading: null }, { type: "gap" }, opts);
  assert.equal(step.state.sent, 2);
  assert.deepEqual(step.actions, [{ type: "read", afterSeq: 2, limit: 4 }]);
});

Deno.test("a reconnect resends everything not acked, in order", () => {
  let { state } = ready(6, 0);
  state = senderStep(state, { type: "read", afterSeq: 0, entries: entries(1, 4) }, opts).state;
  state = senderStep(state, { type: "ack", seq: 1 }, opts).state;
  state = senderStep(state, { type: "disconnected" }, opts).state;
  state = senderStep(state, { type: "connected" }, opts).state;
  const step = senderStep(state, { type: "welcome", lastReceivedSeq: 3 }, opts);
  assert.deepEqual(step.actions, [
    { type: "ackOutbox", seq: 3 },
    { type: "read", afterSeq: 3, limit: 4 },
  ]);
});

Deno.test("a welcome or ack beyond the outbox is a protocol error, not a silent skip", () => {
  let state = initialSenderState({ lastSeq: 2, lastAckedSeq: 0 });
  state = senderStep(state, { type: "connected" }, opts).state;
  const welcome = senderStep(state, { type: "welcome", lastReceivedSeq: 5 }, opts);
  assert.equal(welcome.actions[0].type, "protocolError");
  assert.equal(welcome.state.link, "down");
  const { state: r } = ready(2, 0);
  const ack = senderStep(r, { type: "ack", seq: 3 }, opts);
  assert.equal(ack.actions[0].type, "protocolError");
});

Deno.test("missing outbox entries after the resume point end the connection to resync", () => {
  const { state } = ready(8, 2);
  const step = senderStep(state, { type: "read", afterSeq: 2, entries: entries(5, 8) }, opts);
  assert.equal(step.actions[0].type, "protocolError");
  assert.equal(step.state.link, "down");
});

Deno.test("under any interleaving of acks and reads, frames are sent in order without holes", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constant("read"), fc.constant("ack"), fc.constant("reconnect")), {
        maxLength: 200,
      }),
      (script) => {
        const lastSeq = 50;
        let { state, actions } = ready(lastSeq, 0);
        let coordinatorHas = 0; // what the fake coordinator stored
        let expectedNext = 1;
        const apply = (acts: SenderAction[]) => {
          for (const a of acts) {
            if (a.type !== "send") continue;
            for (const e of a.entries) {
              // the coordinator stores only the next seq; a resend is a duplicate
              assert.ok(e.seq <= coordinatorHas + 1, `hole: sent ${e.seq} after ${coordinatorHas}`);
              if (e.seq === coordinatorHas + 1) coordinatorHas++;
              assert.equal(e.seq, expectedNext, "frames on one connection are consecutive");
              expectedNext++;
            }
          }
        };
        apply(actions);
        for (const op of script) {
          let step;
          if (op === "read" && state.reading !== null) {
            const after = state.reading;
            step = senderStep(state, {
              type: "read",
              afterSeq: after,
              entries: entries(after + 1, Math.min(lastSeq, after + 4)),
            }, opts);
          } else if (op === "ack") {
            step = senderStep(state, { type: "ack", seq: coordinatorHas }, opts);
          } else if (op === "reconnect") {
            state = senderStep(state, { type: "disconnected" }, opts).state;
            state = senderStep(state, { type: "connected" }, opts).state;
            expectedNext = coordinatorHas + 1;
            step = senderStep(state, { type: "welcome", lastReceivedSeq: coordinatorHas }, opts);
          } else continue;
          state = step.state;
          actions = step.actions;
          apply(actions);
          assert.ok(state.sent - state.acked <= opts.window);
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("backoff grows exponentially to the cap and jitter keeps it within half of it", () => {
  assert.equal(backoffDelayMs(0, DEFAULT_BACKOFF, () => 1), 250);
  assert.equal(backoffDelayMs(1, DEFAULT_BACKOFF, () => 1), 500);
  assert.equal(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0), 1000);
  assert.equal(backoffDelayMs(50, DEFAULT_BACKOFF, () => 1), 30_000);
  assert.equal(backoffDelayMs(50, DEFAULT_BACKOFF, () => 0), 15_000);
  fc.assert(
    fc.property(fc.nat(1000), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
      const d = backoffDelayMs(attempt, DEFAULT_BACKOFF, () => r);
      assert.ok(d >= 125 && d <= 30_000);
    }),
  );
});

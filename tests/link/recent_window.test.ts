import assert from "node:assert/strict";
import fc from "fast-check";
import {
  addToWindow,
  fitToEntry,
  fromWindow,
  RECENT_MAX,
  type RecentWindow,
  trimWindow,
} from "../../lib/link/recent_window.ts";
import { MAX_OUTBOX_ENTRY_BYTES, type StatusBody } from "../../lib/link/mod.ts";

const body = (n: number): StatusBody => ({
  kind: "tx",
  id: `t${n}`,
  state: "mined",
  chainId: 1,
  at: "2026-01-01T00:00:00.000Z",
  details: { n },
});

Deno.test("the recent window serves exactly the appended seqs it still holds", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 900 }), fc.integer({ min: 0, max: 900 }))),
      fc.nat(),
      (ops, probe) => {
        let w: RecentWindow = { first: 1, bodies: [] };
        let last = 0;
        let acked = 0;
        for (const [size, ack] of ops) {
          const batch = Array.from({ length: size }, (_, i) => body(last + 1 + i));
          last += size;
          w = addToWindow(w, batch, last);
          acked = Math.min(last, acked + ack);
          w = trimWindow(w, acked);
          assert.ok(w.bodies.length <= RECENT_MAX);
        }
        const afterSeq = last === 0 ? 0 : probe % (last + 1);
        const page = fromWindow(w, { afterSeq, limit: 500 });
        if (page) {
          assert.equal(page[0].seq, afterSeq + 1);
          page.forEach((e, i) => {
            assert.equal(e.seq, afterSeq + 1 + i);
            assert.equal((e.message as StatusBody).id, `t${e.seq}`);
          });
        } else {
          assert.ok(afterSeq + 1 < w.first || afterSeq + 1 >= w.first + w.bodies.length);
        }
      },
    ),
  );
});

Deno.test("a status too large for one outbox entry keeps its identity and a size note", () => {
  const big = { ...body(1), details: { blob: "x".repeat(MAX_OUTBOX_ENTRY_BYTES) } };
  const fitted = fitToEntry(big);
  assert.equal(fitted.id, "t1");
  assert.equal((fitted.details as { truncated: boolean }).truncated, true);
  const small = body(2);
  assert.equal(fitToEntry(small), small);
});

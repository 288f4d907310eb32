import assert from "node:assert/strict";
import { Outbox, OutboxError } from "../../lib/link/mod.ts";

async function withKvFile(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tern-outbox-" });
  try {
    await fn(`${dir}/link.kv`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

type Msg = { n: number; text?: string };

Deno.test("appended messages get consecutive seqs from 1 and read back in order", async () => {
  await withKvFile(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const outbox = await Outbox.open<Msg>(kv, { agentId: "lp-1" });
      assert.deepEqual(await outbox.append([{ n: 1 }, { n: 2 }, { n: 3 }]), [1, 2, 3]);
      assert.deepEqual(await outbox.append([{ n: 4 }]), [4]);
      const page = await outbox.readAfter(0, 10);
      assert.deepEqual(page.map((e) => [e.seq, e.message.n]), [[1, 1], [2, 2], [3, 3], [4, 4]]);
      assert.deepEqual((await outbox.readAfter(2, 1)).map((e) => e.seq), [3]);
      const stats = outbox.stats();
      assert.equal(stats.depth, 4);
      assert.equal(stats.firstSeq, 1);
      assert.equal(stats.lastSeq, 4);
      assert.equal(stats.lastAckedSeq, 0);
    } finally {
      kv.close();
    }
  });
});

Deno.test("a reopened KV file continues the seq and keeps order and acks", async () => {
  await withKvFile(async (path) => {
    let streamId: string;
    {
      const kv = await Deno.openKv(path);
      const outbox = await Outbox.open<Msg>(kv, { agentId: "lp-1" });
      streamId = outbox.streamId;
      await outbox.append([{ n: 1 }, { n: 2 }, { n: 3 }]);
      await outbox.ackUpTo(2);
      kv.close();
    }
    const kv = await Deno.openKv(path);
    try {
      const outbox = await Outbox.open<Msg>(kv, { agentId: "lp-1" });
      assert.equal(outbox.streamId, streamId, "the stream id survives a restart");
      assert.deepEqual(outbox.stats(), {
        streamId,
        depth: 1,
        firstSeq: 3,
        lastSeq: 3,
        lastAckedSeq: 2,
        bytes: JSON.stringify({ n: 3 }).length,
      });
      assert.deepEqual(await outbox.append([{ n: 4 }]), [4]);
      assert.deepEqual((await outbox.readAfter(0, 10)).map((e) => e.message.n), [3, 4]);
    } finally {
      kv.close();
    }
  });
});

Deno.test("agents sharing a KV file have separate seq spaces", async () => {
  await withKvFile(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const a = await Outbox.open<Msg>(kv, { agentId: "a" });
      const b = await Outbox.open<Msg>(kv, { agentId: "b", prefix: ["outbox"] });
      await a.append([{ n: 1 }, { n: 2 }]);
      assert.deepEqual(await b.append([{ n: 9 }]), [1]);
      assert.notEqual(a.streamId, b.streamId);
      assert.deepEqual((await b.readAfter(0, 10)).map((e) => e.message.n), [9]);
    } finally {
      kv.close();
    }
  });
});

Deno.test("100,000 entries are appended in group commits and read back page by page", async () => {
  await withKvFile(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const outbox = await Outbox.open<Msg>(kv, { agentId: "lp-1" });
      const total = 100_000;
      const batch = Array.from({ length: 5000 }, (_, i) => ({ n: i }));
      for (let i = 0; i < total / batch.length; i++) {
        const seqs = await outbox.append(batch.map((m) => ({ n: m.n + i * batch.length })));
        assert.equal(seqs[0], i * batch.length + 1);
      }
      let after = 0;
      let pages = 0;
      while (true) {
        const page = await outbox.readAfter(after, 1000);
        if (page.length === 0) break;
        pages++;
        for (const entry of page) {
          assert.equal(entry.seq, after + 1);
          assert.equal(entry.message.n, entry.seq - 1);
          after = entry.seq;
        }
      }
      assert.equal(after, total);
      assert.equal(pages, 100);
      assert.equal(outbox.stats().depth, total);
    } finally {
      kv.close();
    }
  });
});

Deno.test("large messages are split across commits within Deno KV's per-commit size limit", async () => {
  await withKvFile(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const outbox = await Outbox.open<Msg>(kv, { agentId: "lp-1" });
      // 40 messages of 60 KB: 2.4 MB, far above one 800 KiB commit
      const text = "x".repeat(60_000);
      const seqs = await outbox.append(Array.from({ length: 40 }, (_, n) => ({ n, text })));
      assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => i + 1));
      const page = await outbox.readAfter(35, 10);
      assert.deepEqual(page.map((e) => e.message.n), [35, 36, 37, 38, 39]);
    } finally {
      kv.close();
    }
  });
});

Deno.test("a message above the entry limit or not JSON is refused before anything is stored", async () => {
  await withKvFile(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const outbox = await Outbox.open<unknown>(kv, { agentId: "lp-1" });
      await assert.rejects(() => outbox.append([{ n: 1 }, { text: "x".repeat(70_000) }]), (err) => {
        assert.ok(err instanceof OutboxError);
        assert.match(err.message, /message 1 is 7\d{4} bytes; the limit is 65000/);
        return true;
      });
      await assert.rejects(() => outbox.append([{ big: 1n }]), OutboxError);
      assert.equal(outbox.stats().lastSeq, 0);
    } finally {
      kv.close();
    }
  });
});

Deno.test("acking deletes entries in chunks below KV's mutation limit", async () => {
  await withKvFile(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const outbox = await Outbox.open<Msg>(kv, { agentId: "lp-1" });
      await outbox.append(Array.from({ length: 5000 }, (_, n) => ({ n })));
      assert.equal(await outbox.ackUpTo(4321), 4321);
      assert.equal(await outbox.ackUpTo(100), 0, "an old ack removes nothing");
      const left = await outbox.readAfter(0, 1000);
      assert.equal(left[0].seq, 4322);
      assert.equal(left.length, 679);
      let stored = 0;
      for await (const _ of kv.list({ prefix: ["outbox", "lp-1", "e"] })) stored++;
      assert.equal(stored, 679, "acked entries are gone from KV");
      assert.equal(outbox.stats().lastAckedSeq, 4321);
      await assert.rejects(() => outbox.ackUpTo(5001), /last seq handed out is 5000/);
    } finally {
      kv.close();
    }
  });
});

Deno.test("concurrent appends, also from two instances on one prefix, never share a seq", async () => {
  await withKvFile(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const first = await Outbox.open<Msg>(kv, { agentId: "lp-1" });
      const second = await Outbox.open<Msg>(kv, { agentId: "lp-1" });
      const calls: Promise<number[]>[] = [];
      for (let i = 0; i < 60; i++) {
        const outbox = i % 2 === 0 ? first : second;
        calls.push(
          outbox.append(Array.from({ length: 1 + (i % 7) }, (_, n) => ({ n: i * 10 + n }))),
        );
      }
      const results = await Promise.all(calls);
      const all = results.flat().sort((a, b) => a - b);
      assert.deepEqual(all, Array.from({ length: all.length }, (_, i) => i + 1));
      for (const seqs of results) {
        for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1);
      }
      const stored = await first.readAfter(0, 1000);
      assert.equal(stored.length, all.length);
    } finally {
      kv.close();
    }
  });
});

Deno.test("the outbox counts the encoded bytes of unacknowledged messages", async () => {
  await withKvFile(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const outbox = await Outbox.open<Msg>(kv, { agentId: "lp-1" });
      const messages = Array.from({ length: 2500 }, (_, n) => ({ n, text: "é".repeat(n % 7) }));
      const size = (m: Msg) => new TextEncoder().encode(JSON.stringify(m)).byteLength;
      await outbox.append(messages);
      const total = messages.reduce((sum, m) => sum + size(m), 0);
      assert.equal(outbox.stats().bytes, total);
      await outbox.ackUpTo(2100); // three delete chunks
      const left = messages.slice(2100).reduce((sum, m) => sum + size(m), 0);
      assert.equal(outbox.stats().bytes, left);
      await outbox.ackUpTo(2500);
      assert.equal(outbox.stats().bytes, 0);
    } finally {
      kv.close();
    }
  });
});

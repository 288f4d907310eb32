import assert from "node:assert/strict";
import fc from "fast-check";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import { KvCorruptError, KvSchemaError } from "../../lib/kv/schema.ts";
import { tempKv } from "../support/kv.ts";
import { counterBehavior } from "./fixtures.ts";

async function dump(kv: Deno.Kv): Promise<string> {
  const rows: unknown[] = [];
  for await (const e of kv.list({ prefix: [] })) rows.push([e.key, e.value, e.versionstamp]);
  return JSON.stringify(rows, (_k, v) => typeof v === "bigint" ? `${v}n` : v);
}

/** Mostly `good`, sometimes anything else. */
const mostly = <T>(good: T, ...others: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { arbitrary: fc.constant(good), weight: 8 },
    ...others.map((a) => ({ arbitrary: a, weight: 1 })),
  );

/** Values near a real snapshot record: each field usually right, sometimes replaced. */
const nearRecord = fc.record({
  f: mostly(1, fc.integer({ min: -3, max: 5 }), fc.anything()),
  kind: mostly("counter", fc.string(), fc.anything()),
  v: mostly(1, fc.integer({ min: -2, max: 4 }), fc.anything()),
  parent: mostly("/x", fc.anything()),
  passive: mostly(false, fc.boolean(), fc.anything()),
  summary: mostly("n=1", fc.anything()),
  data: mostly(
    '{"state":{"n":1,"log":[]},"timers":{}}',
    fc.json(),
    fc.string(),
    fc.anything(),
    fc.constant('{"state":1,"timers":{"t":{"msg":1}}}'),
  ),
});

Deno.test("any value in the snapshot space either recovers or stops start-up with a clear error, untouched", async () => {
  const t = await tempKv();
  try {
    await (await ActorSystem.start({ kv: t.kv, behaviors: [] })).stop(); // writes the layout marker
    let refused = 0, accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(nearRecord, fc.anything()), async (value) => {
        for await (const e of t.kv.list({ prefix: ["tern", "snap"] })) await t.kv.delete(e.key);
        try {
          await t.kv.set(["tern", "snap", "x", "y"], value);
        } catch {
          return; // not storable in KV at all: nothing to recover
        }
        const before = await dump(t.kv);
        let system: ActorSystem | undefined;
        try {
          system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
          accepted++;
        } catch (e) {
          refused++;
          assert.ok(
            e instanceof KvSchemaError || e instanceof KvCorruptError,
            `unclear error: ${e}`,
          );
          assert.match(e.message, /\/x\/y/);
          assert.equal(await dump(t.kv), before, "a refused start-up changed the KV");
        } finally {
          await system?.stop();
        }
      }),
      { numRuns: 150, seed: 7 },
    );
    assert.ok(refused > 20, `only ${refused} refusals`);
    assert.ok(accepted > 5, `only ${accepted} accepted`);
  } finally {
    await t.cleanup();
  }
});

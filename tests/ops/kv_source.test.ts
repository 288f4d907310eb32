/** Offline reading of a KV file: schema versions per kind, damaged values, read-only. */

import assert from "node:assert/strict";
import { kvSource } from "../../lib/inspector/sources.ts";
import { requestsOf } from "../../lib/inspector/model.ts";
import { KvCorruptError, KvSchemaError } from "../../lib/kv/schema.ts";
import { tempKv } from "../support/kv.ts";
import { populate, REQ_A } from "./fixtures.ts";

async function dump(kv: Deno.Kv): Promise<string> {
  const rows: string[] = [];
  for await (const e of kv.list({ prefix: [] })) rows.push(`${e.key.join("/")}@${e.versionstamp}`);
  return rows.join("\n");
}

Deno.test("offline reading writes nothing and refuses newer kinds and damaged values", async () => {
  const t = await tempKv();
  try {
    await populate(t.kv);
    const before = await dump(t.kv);
    const src = kvSource(t.kv, { maxVersions: { request: 1 } });
    assert.equal((await requestsOf(src)).length, 2);
    assert.equal((await src.outbox())[0].depth, 1);
    assert.equal(await dump(t.kv), before);

    await assert.rejects(
      requestsOf(kvSource(t.kv, { maxVersions: { request: 0 } })),
      (e: unknown) =>
        e instanceof KvSchemaError &&
        /actor kind "request" at \/requests\/s01\/0xa/.test(e.message),
    );

    const key = ["tern", "snap", "requests", "s01", REQ_A];
    const entry = await t.kv.get<Record<string, unknown>>(key);
    await t.kv.set(key, { ...entry.value!, data: "{not json" });
    await assert.rejects(
      src.actor(`/requests/s01/${REQ_A}`),
      (e: unknown) => e instanceof KvCorruptError && /data is not JSON/.test(e.message),
    );
    await t.kv.set(key, { ...entry.value!, f: 9 });
    await assert.rejects(requestsOf(src), KvSchemaError);
  } finally {
    await t.cleanup();
  }
});

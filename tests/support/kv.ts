/**
 * Test support: real Deno KV files in temporary directories.
 *
 * @module
 */

/** A KV file in a fresh temp dir; `cleanup` closes it and removes the dir. */
export interface TempKv {
  kv: Deno.Kv;
  path: string;
  dir: string;
  reopen(): Promise<Deno.Kv>;
  cleanup(): Promise<void>;
}

/** Opens a KV file in a new temporary directory. */
export async function tempKv(): Promise<TempKv> {
  const dir = await Deno.makeTempDir({ prefix: "tern-test-" });
  const path = `${dir}/tern.kv`;
  const t: TempKv = {
    kv: await Deno.openKv(path),
    path,
    dir,
    async reopen() {
      try {
        t.kv.close();
      } catch { /* already closed */ }
      t.kv = await Deno.openKv(path);
      return t.kv;
    },
    async cleanup() {
      try {
        t.kv.close();
      } catch { /* already closed */ }
      await Deno.remove(dir, { recursive: true });
    },
  };
  return t;
}

/**
 * Takes a screenshot of the inspector's live page in headless Chromium (Debian's `chromium`):
 * starts an actor system with a few request and claim actors, the inspector on a free port, and
 * writes the picture to `docs/inspector.png` (or the path given).
 *
 * Usage: deno run -A scripts/screenshot_inspector.ts [OUT.png]
 *
 * @module
 */

import { ActorSystem } from "../lib/runtime/mod.ts";
import { MetricsRegistry } from "../lib/metrics.ts";
import { startInspector } from "../lib/inspector/server.ts";
import { fixtureBehaviors, spawnFixture } from "../tests/ops/fixtures.ts";

/** Finds the Chromium binary, or null. */
export function findChromium(): string | null {
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* not there */ }
  }
  return null;
}

/** Serves a populated inspector and screenshots its page into `out`. */
export async function screenshotInspector(out: string): Promise<void> {
  const chromium = findChromium();
  if (chromium === null) {
    throw new Error("chromium not found; install it with: apt-get install -y chromium");
  }
  const dir = await Deno.makeTempDir({ prefix: "tern-shot-" });
  const kv = await Deno.openKv(`${dir}/tern.kv`);
  const system = await ActorSystem.start({ kv, behaviors: fixtureBehaviors });
  const insp = await startInspector({
    system,
    kv,
    port: 0,
    metrics: new MetricsRegistry(),
    readiness: () => ({ ready: true, checks: {} }),
  });
  try {
    await spawnFixture(system);
    const res = await new Deno.Command(chromium, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        `--user-data-dir=${dir}/profile`,
        "--window-size=1100,560",
        "--virtual-time-budget=4000",
        `--screenshot=${out}`,
        `${insp.url}/`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!res.success) {
      throw new Error(`chromium failed: ${new TextDecoder().decode(res.stderr).slice(-500)}`);
    }
  } finally {
    await insp.stop();
    await system.stop();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const out = Deno.args[0] ?? new URL("../docs/inspector.png", import.meta.url).pathname;
  await screenshotInspector(out);
  console.log(`wrote ${out}`);
}

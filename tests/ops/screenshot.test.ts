/** The live page in a real headless Chromium; skipped where Chromium is not installed. */

import assert from "node:assert/strict";
import { findChromium, screenshotInspector } from "../../scripts/screenshot_inspector.ts";

Deno.test({
  name: "the live page renders in headless Chromium",
  ignore: findChromium() === null,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tern-shot-test-" });
    try {
      await screenshotInspector(`${dir}/page.png`);
      const png = await Deno.readFile(`${dir}/page.png`);
      assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
      assert.ok(png.length > 10_000, `a blank page is smaller (${png.length} bytes)`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/**
 * Test support: wait for a condition with a deadline (never a bare sleep).
 *
 * @module
 */

/** Polls `cond` until it is true; throws naming `what` when `timeoutMs` passes first. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

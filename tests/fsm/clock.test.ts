import assert from "node:assert/strict";
import { ManualClock, systemClock, wallSeconds } from "../../lib/clock.ts";

Deno.test("a manual clock stands still until advanced", () => {
  const clock = new ManualClock(1_000);
  assert.equal(clock.now(), 1_000);
  clock.advance(250);
  assert.equal(clock.now(), 1_250);
  assert.equal(wallSeconds(new ManualClock(1_999)), 1);
});

Deno.test("due timers fire in due order, ties in the order they were set, at their due time", () => {
  const clock = new ManualClock(0);
  const fired: string[] = [];
  const at = (name: string) => () => fired.push(`${name}@${clock.now()}`);
  clock.setTimeout(at("c"), 300);
  clock.setTimeout(at("a"), 100);
  clock.setTimeout(at("b1"), 200);
  clock.setTimeout(at("b2"), 200);
  clock.setTimeout(at("late"), 1_000);
  clock.advance(300);
  assert.deepEqual(fired, ["a@100", "b1@200", "b2@200", "c@300"]);
  assert.equal(clock.pendingTimers, 1);
  assert.equal(clock.now(), 300);
});

Deno.test("a timer set by a firing timer fires in the same advance when due", () => {
  const clock = new ManualClock(0);
  const fired: number[] = [];
  clock.setTimeout(() => {
    fired.push(clock.now());
    clock.setTimeout(() => fired.push(clock.now()), 50);
    clock.setTimeout(() => fired.push(clock.now()), 500);
  }, 100);
  clock.advance(200);
  assert.deepEqual(fired, [100, 150]);
  clock.advance(400);
  assert.deepEqual(fired, [100, 150, 600]);
});

Deno.test("a cleared timer never fires", () => {
  const clock = new ManualClock(0);
  let fired = false;
  const h = clock.setTimeout(() => fired = true, 10);
  clock.clearTimeout(h);
  clock.clearTimeout(12345);
  clock.advance(100);
  assert.equal(fired, false);
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("zero, negative and NaN delays fire on the next advance, even advance(0)", () => {
  const clock = new ManualClock(10);
  const fired: number[] = [];
  clock.setTimeout(() => fired.push(1), 0);
  clock.setTimeout(() => fired.push(2), -5);
  clock.setTimeout(() => fired.push(3), NaN);
  clock.advance(0);
  assert.deepEqual(fired, [1, 2, 3]);
});

Deno.test("a manual clock refuses to move backwards or by a non-finite amount", () => {
  const clock = new ManualClock(100);
  assert.throws(() => clock.advance(-1), RangeError);
  assert.throws(() => clock.advance(Infinity), RangeError);
  assert.throws(() => clock.advanceTo(99), RangeError);
  assert.throws(() => new ManualClock(NaN), RangeError);
  assert.equal(clock.now(), 100);
});

Deno.test("the system clock reads Date.now and runs real timers", async () => {
  const before = Date.now();
  const now = systemClock.now();
  assert.ok(now >= before && now <= Date.now());
  const cancelled = systemClock.setTimeout(() => assert.fail("cleared timer fired"), 5);
  systemClock.clearTimeout(cancelled);
  await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 1));
});

/**
 * nact as tern's mailbox and dispatcher, with its known defects contained here (nothing else in
 * the code base imports nact):
 *
 * - queries can be answered to the wrong caller under heavy concurrency → never used; the runtime
 *   has its own correlation ids;
 * - unnamed actors can get colliding names → every actor gets a unique generated name;
 * - a throwing `onCrash` or `stopChild` can crash the process → handlers never throw into nact
 *   (every delivery is wrapped), and `onCrash` only resumes;
 * - an unbounded restart loop starves the event loop → restarts are the runtime's, with backoff;
 * - a parent copies its children list on every message → actors live under container actors that
 *   never receive messages, spread over many containers;
 * - `persist` failures leave sequence gaps → nact persistence is not used (snapshots go to KV);
 * - wrong typings → default import, used through this small typed surface.
 *
 * nact runs one message per actor per event-loop turn (a `setImmediate` each), which caps a single
 * busy actor (a router) at a few thousand messages per second. Each mailbox therefore keeps its own
 * queue and posts nact one "drain" signal when the queue becomes non-empty; a drain delivers up to
 * a batch of messages, then yields. nact still schedules every actor; bursts no longer pay a turn
 * per message.
 *
 * @module
 */

import nact from "nact";

/** An opaque handle to one mailbox. */
export interface MailboxRef {
  readonly id: number;
}

/** Messages handled per turn of one mailbox before it yields to the event loop. */
const BATCH = 256;

/** A FIFO queue with O(1) amortized push and shift. */
class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

interface Box {
  ref: unknown;
  queue: Fifo<unknown>;
  scheduled: boolean;
}

const DRAIN = Symbol("drain");

interface NactApi {
  start(...ext: unknown[]): unknown;
  spawn(parent: unknown, f: unknown, name: string, props?: unknown): unknown;
  spawnStateless(parent: unknown, f: unknown, name: string, props?: unknown): unknown;
  dispatch(ref: unknown, msg: unknown): void;
  stop(ref: unknown): void;
}

const api = nact as unknown as NactApi;

/**
 * A set of nact mailboxes, each delivering its messages one at a time, in order, to a callback.
 *
 * @example
 * ```ts
 * const boxes = new Mailboxes();
 * const ref = boxes.open((msg) => console.log(msg));
 * boxes.post(ref, "hello");
 * boxes.close(ref);
 * boxes.shutdown();
 * ```
 */
export class Mailboxes {
  readonly #system: unknown;
  readonly #containers: unknown[];
  readonly #boxes = new Map<number, Box>();
  readonly #onError: (e: unknown) => void;
  #next = 0;

  constructor(opts: { containers?: number; onError?: (e: unknown) => void } = {}) {
    this.#system = api.start();
    this.#onError = opts.onError ?? (() => {});
    const n = Math.max(1, opts.containers ?? 256);
    const resume = (_m: unknown, _e: unknown, ctx: { resume: symbol }) => ctx.resume;
    this.#containers = Array.from(
      { length: n },
      (_, i) => api.spawnStateless(this.#system, () => {}, `c${i}`, { onCrash: resume }),
    );
  }

  /** Number of open mailboxes. */
  get size(): number {
    return this.#boxes.size;
  }

  /** Opens a mailbox whose messages are delivered, in order, to `deliver`. */
  open(deliver: (msg: unknown) => void): MailboxRef {
    const id = ++this.#next;
    const container = this.#containers[id % this.#containers.length];
    const onError = this.#onError;
    const box: Box = { ref: undefined, queue: new Fifo(), scheduled: false };
    const f = (state: unknown) => {
      box.scheduled = false;
      for (let i = 0; i < BATCH && box.queue.length > 0; i++) {
        try {
          deliver(box.queue.shift());
        } catch (e) {
          onError(e);
        }
      }
      if (box.queue.length > 0 && this.#boxes.get(id) === box) this.#schedule(box);
      return state;
    };
    const resume = (_m: unknown, _e: unknown, ctx: { resume: symbol }) => ctx.resume;
    box.ref = api.spawn(container, f, `a${id}`, { initialState: 0, onCrash: resume });
    this.#boxes.set(id, box);
    return { id };
  }

  /** Queues `msg` for the mailbox; a closed mailbox drops it and returns false. */
  post(ref: MailboxRef, msg: unknown): boolean {
    const box = this.#boxes.get(ref.id);
    if (box === undefined) return false;
    box.queue.push(msg);
    if (!box.scheduled) this.#schedule(box);
    return true;
  }

  #schedule(box: Box): void {
    box.scheduled = true;
    api.dispatch(box.ref, DRAIN);
  }

  /** Closes a mailbox; messages still queued in it are dropped. */
  close(ref: MailboxRef): void {
    const box = this.#boxes.get(ref.id);
    if (box === undefined) return;
    this.#boxes.delete(ref.id);
    api.stop(box.ref);
  }

  /** Closes every mailbox and the nact system. */
  shutdown(): void {
    for (const box of this.#boxes.values()) api.stop(box.ref);
    this.#boxes.clear();
    api.stop(this.#system);
  }
}

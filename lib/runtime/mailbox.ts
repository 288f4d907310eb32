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
 * @module
 */

import nact from "nact";

/** An opaque handle to one mailbox. */
export interface MailboxRef {
  readonly id: number;
}

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
  readonly #refs = new Map<number, unknown>();
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
    return this.#refs.size;
  }

  /** Opens a mailbox whose messages are delivered, in order, to `deliver`. */
  open(deliver: (msg: unknown) => void): MailboxRef {
    const id = ++this.#next;
    const container = this.#containers[id % this.#containers.length];
    const onError = this.#onError;
    const f = (state: unknown, msg: unknown) => {
      try {
        deliver(msg);
      } catch (e) {
        onError(e);
      }
      return state;
    };
    const resume = (_m: unknown, _e: unknown, ctx: { resume: symbol }) => ctx.resume;
    const ref = api.spawn(container, f, `a${id}`, { initialState: 0, onCrash: resume });
    this.#refs.set(id, ref);
    return { id };
  }

  /** Queues `msg` for the mailbox; a closed mailbox drops it and returns false. */
  post(box: MailboxRef, msg: unknown): boolean {
    const ref = this.#refs.get(box.id);
    if (ref === undefined) return false;
    api.dispatch(ref, msg);
    return true;
  }

  /** Closes a mailbox; messages still queued in it are dropped. */
  close(box: MailboxRef): void {
    const ref = this.#refs.get(box.id);
    if (ref === undefined) return;
    this.#refs.delete(box.id);
    api.stop(ref);
  }

  /** Closes every mailbox and the nact system. */
  shutdown(): void {
    for (const ref of this.#refs.values()) api.stop(ref);
    this.#refs.clear();
    api.stop(this.#system);
  }
}

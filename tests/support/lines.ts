/**
 * Test support: read a subprocess's output line by line.
 *
 * @module
 */

/** Reads lines from a byte stream; `until` stops reading once a predicate holds. */
export class LineReader {
  readonly lines: string[] = [];
  readonly #reader: ReadableStreamDefaultReader<string>;
  #rest = "";
  #done = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** True once the stream ended. */
  get done(): boolean {
    return this.#done;
  }

  /** Reads until `stop(lines)` holds or the stream ends; returns all lines read so far. */
  async until(stop: (lines: string[]) => boolean): Promise<string[]> {
    while (!this.#done && !stop(this.lines)) {
      const { value, done } = await this.#reader.read();
      if (done) {
        this.#done = true;
        if (this.#rest.length > 0) this.lines.push(this.#rest);
        break;
      }
      const parts = (this.#rest + value).split("\n");
      this.#rest = parts.pop()!;
      this.lines.push(...parts);
    }
    return this.lines;
  }

  /** Reads to the end of the stream. */
  toEnd(): Promise<string[]> {
    return this.until(() => false);
  }
}

/**
 * A no-echo password prompt on the terminal: stdin in raw mode, the prompt on stderr, and a
 * small line editor (backspace, Ctrl-U, Ctrl-C) over the raw bytes.
 *
 * @module
 */

/** What the editor concluded after a chunk of input. */
export type LineStatus = "more" | "done" | "cancelled";

/**
 * Collects typed bytes into a line without echo. Pure: tests feed it bytes.
 *
 * @example
 * ```ts
 * const editor = new LineEditor();
 * editor.feed(new TextEncoder().encode("secret\r")); // "done"
 * editor.text(); // "secret"
 * ```
 */
export class LineEditor {
  #bytes: number[] = [];
  #escape = 0; // 0: none, 1: after ESC, 2: inside a CSI sequence

  /** Consumes a chunk; returns "done" on Enter, "cancelled" on Ctrl-C or Ctrl-D. */
  feed(chunk: Uint8Array): LineStatus {
    for (const byte of chunk) {
      if (this.#escape === 1) {
        this.#escape = byte === 0x5b ? 2 : 0;
        continue;
      }
      if (this.#escape === 2) {
        if (byte >= 0x40 && byte <= 0x7e) this.#escape = 0;
        continue;
      }
      if (byte === 0x0d || byte === 0x0a) return "done";
      if (byte === 0x03 || (byte === 0x04 && this.#bytes.length === 0)) return "cancelled";
      if (byte === 0x7f || byte === 0x08) this.#backspace();
      else if (byte === 0x15) this.#bytes = [];
      else if (byte === 0x1b) this.#escape = 1;
      else if (byte >= 0x20) this.#bytes.push(byte);
    }
    return "more";
  }

  /** Removes the last whole UTF-8 character. */
  #backspace(): void {
    while (this.#bytes.length > 0) {
      const byte = this.#bytes.pop()!;
      if ((byte & 0xc0) !== 0x80) break;
    }
  }

  /** The line typed so far. */
  text(): string {
    return new TextDecoder().decode(new Uint8Array(this.#bytes));
  }
}

/**
 * Shows `message` on stderr and reads one line from the terminal without echo. Returns null
 * when the person cancels (Ctrl-C, Ctrl-D) or input ends.
 */
export async function readPasswordLine(message: string): Promise<string | null> {
  const encoder = new TextEncoder();
  const editor = new LineEditor();
  const buffer = new Uint8Array(256);
  // Raw mode before the prompt: anything typed after the prompt shows is never echoed.
  Deno.stdin.setRaw(true);
  try {
    await Deno.stderr.write(encoder.encode(message));
    while (true) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) return null;
      const status = editor.feed(buffer.subarray(0, n));
      if (status === "done") return editor.text();
      if (status === "cancelled") return null;
    }
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stderr.write(encoder.encode("\n"));
  }
}

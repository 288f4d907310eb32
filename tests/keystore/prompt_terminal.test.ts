import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const child = fileURLToPath(new URL("./prompt_child.ts", import.meta.url));
const hasScript = (() => {
  try {
    return new Deno.Command("script", { args: ["--version"] }).outputSync().success;
  } catch {
    return false;
  }
})();

/** Runs the prompt child on a pseudo-terminal (util-linux `script`), typing `input` at the prompt. */
async function onTerminal(input: string): Promise<string> {
  const process = new Deno.Command("script", {
    args: ["-qec", `'${Deno.execPath()}' run -A '${child}'`, "/dev/null"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const deadline = setTimeout(() => process.kill("SIGKILL"), 30_000);
  const writer = process.stdin.getWriter();
  let output = "";
  try {
    const decoder = new TextDecoder();
    let typed = false;
    for await (const chunk of process.stdout) {
      output += decoder.decode(chunk);
      if (!typed && output.includes("Password for keystore k.json: ")) {
        typed = true;
        await writer.write(new TextEncoder().encode(input));
      }
    }
  } finally {
    clearTimeout(deadline);
    await writer.close().catch(() => {});
    await process.status;
  }
  return output;
}

Deno.test({
  name: "the terminal prompt reads the password without echoing it",
  ignore: !hasScript,
  async fn() {
    const output = await onTerminal("s3cret-pw\r");
    assert.match(output, /LENGTH=9 MATCH=true/);
    assert.ok(!output.includes("s3cret-pw"), `echoed: ${JSON.stringify(output)}`);
  },
});

Deno.test({
  name: "Ctrl-C at the terminal prompt cancels it",
  ignore: !hasScript,
  async fn() {
    const output = await onTerminal("abc\x03");
    assert.match(output, /ERROR=password prompt cancelled/);
  },
});

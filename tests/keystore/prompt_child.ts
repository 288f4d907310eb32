/** Asks for the keystore password on the terminal and reports its length (prompt tests). */
import { readPassword, terminalPrompt } from "../../lib/keystore/mod.ts";

try {
  const password = await readPassword({}, terminalPrompt(), "k.json");
  console.log(`LENGTH=${password.length} MATCH=${password === "s3cret-pw"}`);
} catch (error) {
  console.log(`ERROR=${(error as Error).message}`);
}

/**
 * The keystore password: from `TERN_KEYSTORE_PASSWORD`, or typed at a no-echo prompt.
 *
 * @module
 */
import { KeystoreError } from "./error.ts";
import { readPasswordLine } from "./line_editor.ts";

/** The environment variable holding the keystore password. */
export const PASSWORD_ENV = "TERN_KEYSTORE_PASSWORD";

/** Asks a person for a password without echoing it. */
export interface PasswordPrompt {
  /** Whether a person can answer (stdin is a terminal). */
  interactive(): boolean;
  /** Shows `message` and returns what was typed, or null when cancelled. */
  ask(message: string): Promise<string | null>;
}

/** The prompt on the process's terminal (stdin raw mode, prompt on stderr). */
export function terminalPrompt(): PasswordPrompt {
  return {
    interactive: () => Deno.stdin.isTerminal(),
    ask: (message) => readPasswordLine(message),
  };
}

/**
 * The keystore password: `TERN_KEYSTORE_PASSWORD` from `env` when set, otherwise typed at a
 * no-echo prompt when stdin is a terminal, otherwise a {@link KeystoreError}.
 *
 * @example
 * ```ts
 * const password = await readPassword(Deno.env.toObject(), terminalPrompt(), keystorePath);
 * ```
 */
export async function readPassword(
  env: Readonly<Record<string, string | undefined>>,
  prompt: PasswordPrompt = terminalPrompt(),
  keystorePath?: string,
): Promise<string> {
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv !== undefined) {
    if (fromEnv === "") {
      throw new KeystoreError("keystore_no_password", `${PASSWORD_ENV} is set but empty`, {
        path: keystorePath,
        hint: `put the password in ${PASSWORD_ENV}, or unset it to be asked at a prompt`,
      });
    }
    return fromEnv;
  }
  if (!prompt.interactive()) {
    throw new KeystoreError("keystore_no_password", "no password for the keystore", {
      path: keystorePath,
      hint: `set ${PASSWORD_ENV} in the environment, or start tern in a terminal to be asked`,
    });
  }
  const label = keystorePath === undefined ? "keystore" : `keystore ${keystorePath}`;
  const answer = await prompt.ask(`Password for ${label}: `);
  if (answer === null) {
    throw new KeystoreError("keystore_no_password", "password prompt cancelled", {
      path: keystorePath,
    });
  }
  return answer;
}

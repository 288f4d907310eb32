import assert from "node:assert/strict";
import fc from "fast-check";
import { scryptSync } from "node:crypto";
import { decryptKeystore, encryptKeystore, KeystoreError } from "../../lib/keystore/mod.ts";
import { scryptPortable } from "../../lib/keystore/scrypt_portable.ts";
import { PBKDF2_VECTOR } from "./vectors.ts";

const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318" as const;

/** Small JSON values: numbers stay small so a corrupted cost parameter cannot stall the test. */
const smallJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.integer({ min: -5, max: 4096 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom("scrypt", "pbkdf2", "aes-128-ctr", "hmac-sha256", "00", "0x", "ff".repeat(16)),
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 3 }),
})).value;

type Path = string[];

function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function replaceAt(doc: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = { ...(doc as Record<string, unknown>) };
  const [head, ...rest] = path;
  if (rest.length === 0 && value === undefined) delete copy[head];
  else copy[head] = replaceAt(copy[head], rest, value);
  return copy;
}

async function onlyKeystoreErrorOrKey(input: unknown, password: string, key: string) {
  try {
    assert.equal(await decryptKeystore(input, password), key);
  } catch (error) {
    if (!(error instanceof KeystoreError)) throw error;
  }
}

Deno.test("random corruptions of a scrypt keystore yield the key or a KeystoreError", async () => {
  const keystore = await encryptKeystore(KEY, "pw", { n: 16, r: 1 });
  const all = paths(keystore).filter((p) => p.length > 0);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...all),
      fc.option(smallJson, { nil: undefined }),
      async (path, value) => {
        await onlyKeystoreErrorOrKey(replaceAt(keystore, path, value), "pw", KEY);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("random corruptions of a pbkdf2 keystore yield the key or a KeystoreError", async () => {
  const cheap = replaceAt(PBKDF2_VECTOR, ["crypto", "kdfparams", "c"], 1);
  const all = paths(cheap).filter((p) => p.length > 0);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...all),
      fc.option(smallJson, { nil: undefined }),
      async (path, value) => {
        // c = 1 breaks the MAC, so the only success would be a wrong key: there is none.
        try {
          await decryptKeystore(replaceAt(cheap, path, value), "testpassword");
          assert.fail("a c = 1 copy of the vector cannot decrypt");
        } catch (error) {
          if (!(error instanceof KeystoreError)) throw error;
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("random edits of a keystore's text yield the key or a KeystoreError", async () => {
  const text = JSON.stringify(await encryptKeystore(KEY, "pw", { n: 16, r: 1 }));
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: text.length - 1 }),
      fc.nat({ max: 8 }),
      fc.string({ maxLength: 4 }),
      async (at, cut, insert) => {
        const edited = text.slice(0, at) + insert + text.slice(at + cut);
        await onlyKeystoreErrorOrKey(edited, "pw", KEY);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("the portable scrypt agrees with OpenSSL's", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 16 }),
      fc.uint8Array({ maxLength: 16 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 64 }),
      (password, salt, logN, r, p, dklen) => {
        const n = 2 ** logN;
        const ours = scryptPortable(password, salt, { n, r, p, dklen });
        const theirs = new Uint8Array(scryptSync(password, salt, dklen, { N: n, r, p }));
        assert.deepEqual(ours, theirs);
      },
    ),
    { numRuns: 100 },
  );
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { privateKeyToAddress } from "viem/accounts";
import {
  createKeystoreFile,
  decryptKeystore,
  DEFAULT_SCRYPT_N,
  encryptKeystore,
  KeystoreError,
  readKeystoreFile,
} from "../../lib/keystore/mod.ts";
import { TernError } from "../../lib/errors.ts";
import {
  PBKDF2_VECTOR,
  SCRYPT_VECTOR_R1,
  VECTOR_ADDRESS,
  VECTOR_KEY,
  VECTOR_PASSWORD,
} from "./vectors.ts";

const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318" as const;

async function rejects(promise: Promise<unknown>, code: string, message?: RegExp) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof KeystoreError, `not a KeystoreError: ${error}`);
    assert.ok(error instanceof TernError);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail("expected a KeystoreError");
}

Deno.test("the definition's PBKDF2 test vector decrypts to its secret", async () => {
  assert.equal(await decryptKeystore(PBKDF2_VECTOR, VECTOR_PASSWORD), VECTOR_KEY);
  assert.equal(privateKeyToAddress(VECTOR_KEY).toLowerCase(), VECTOR_ADDRESS);
});

Deno.test("the definition's scrypt test vector (r = 1, p = 8) decrypts to its secret", async () => {
  assert.equal(
    await decryptKeystore(JSON.stringify(SCRYPT_VECTOR_R1), VECTOR_PASSWORD),
    VECTOR_KEY,
  );
});

Deno.test("a test vector with the wrong password fails the MAC check", async () => {
  await rejects(
    decryptKeystore(PBKDF2_VECTOR, "testpassworD", { path: "/keys/lp.json" }),
    "keystore_wrong_password",
    /^wrong password for keystore \/keys\/lp\.json$/,
  );
});

Deno.test("an encrypted key decrypts with its password", async () => {
  const keystore = await encryptKeystore(KEY, "pässwörd", { n: 1024 });
  assert.equal(keystore.version, 3);
  assert.equal(keystore.crypto.kdf, "scrypt");
  assert.equal(keystore.address, privateKeyToAddress(KEY).slice(2).toLowerCase());
  assert.equal(await decryptKeystore(JSON.stringify(keystore), "pässwörd"), KEY);
});

Deno.test("the same key encrypts differently each time", async () => {
  const a = await encryptKeystore(KEY, "pw", { n: 16 });
  const b = await encryptKeystore(KEY, "pw", { n: 16 });
  assert.notEqual(a.crypto.ciphertext, b.crypto.ciphertext);
  assert.notEqual(a.crypto.kdfparams.salt, b.crypto.kdfparams.salt);
  assert.notEqual(a.id, b.id);
});

Deno.test("new keystores use scrypt with n = 131072, r = 8, p = 1 by default", async () => {
  const keystore = await encryptKeystore(KEY, "pw");
  assert.deepEqual(
    { ...keystore.crypto.kdfparams, salt: undefined },
    { dklen: 32, n: DEFAULT_SCRYPT_N, r: 8, p: 1, salt: undefined },
  );
  assert.equal(DEFAULT_SCRYPT_N, 131072);
  assert.equal(await decryptKeystore(keystore, "pw"), KEY);
});

Deno.test("an encrypted key with the wrong password is refused", async () => {
  const keystore = await encryptKeystore(KEY, "right", { n: 16 });
  await rejects(decryptKeystore(keystore, "wrong"), "keystore_wrong_password");
});

Deno.test("a keystore whose address does not match its key is refused", async () => {
  const keystore = await encryptKeystore(KEY, "pw", { n: 16 });
  keystore.address = "00".repeat(20);
  await rejects(decryptKeystore(keystore, "pw"), "keystore_malformed", /address does not match/);
});

Deno.test("encrypting something that is not a private key is refused", async () => {
  await rejects(encryptKeystore("0x1234", "pw", { n: 16 }), "keystore_bad_key");
  await rejects(encryptKeystore(`0x${"00".repeat(32)}`, "pw", { n: 16 }), "keystore_bad_key");
});

Deno.test("malformed keystores name the missing or invalid field", async () => {
  const good = await encryptKeystore(KEY, "pw", { n: 16 });
  const cases: [unknown, RegExp][] = [
    ["not json", /the file is not JSON/],
    [[], /the file must be an object/],
    [{ ...good, version: 2 }, /version must be 3/],
    [{ ...good, crypto: undefined }, /crypto is missing/],
    [{ ...good, crypto: { ...good.crypto, cipher: "aes-128-cbc" } }, /crypto\.cipher must be/],
    [{ ...good, crypto: { ...good.crypto, kdf: "argon2" } }, /crypto\.kdf must be/],
    [
      { ...good, crypto: { ...good.crypto, cipherparams: { iv: "abcd" } } },
      /crypto\.cipherparams\.iv must be 16 bytes, found 2/,
    ],
    [{ ...good, crypto: { ...good.crypto, mac: undefined } }, /crypto\.mac is missing/],
    [{ ...good, crypto: { ...good.crypto, ciphertext: "zz" } }, /crypto\.ciphertext must be/],
    [
      { ...good, crypto: { ...good.crypto, kdfparams: { ...good.crypto.kdfparams, n: 1000 } } },
      /crypto\.kdfparams\.n must be a power of two/,
    ],
    [
      { ...good, crypto: { ...good.crypto, kdfparams: { ...good.crypto.kdfparams, n: 2 ** 24 } } },
      /more than 1 GiB/,
    ],
    [
      { ...good, crypto: { ...good.crypto, kdfparams: { ...good.crypto.kdfparams, salt: 5 } } },
      /crypto\.kdfparams\.salt must be a hex string/,
    ],
  ];
  for (const [input, message] of cases) {
    const error = await rejects(
      decryptKeystore(input, "pw", { path: "k.json" }),
      "keystore_malformed",
    );
    assert.match(error.message, message);
    assert.match(error.message, /^keystore k\.json: /);
    assert.match(error.hint ?? "", /V3 keystore/);
  }
});

Deno.test("a pbkdf2 keystore with another PRF is refused", async () => {
  const vector = structuredClone(PBKDF2_VECTOR);
  vector.crypto.kdfparams.prf = "hmac-sha512";
  await rejects(decryptKeystore(vector, VECTOR_PASSWORD), "keystore_malformed", /prf/);
});

Deno.test("a keystore file is read and decrypted; errors name the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "lp.json");
    await Deno.writeTextFile(path, JSON.stringify(await encryptKeystore(KEY, "pw", { n: 16 })));
    assert.equal(await readKeystoreFile(path, "pw"), KEY);
    await rejects(readKeystoreFile(path, "nope"), "keystore_wrong_password", new RegExp(path));
    const missing = await rejects(
      readKeystoreFile(join(dir, "absent.json"), "pw"),
      "keystore_unreadable",
    );
    assert.match(missing.hint ?? "", /tern init/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("error messages never contain the password or the key", async () => {
  const keystore = await encryptKeystore(KEY, "hunter2-secret", { n: 16 });
  const error = await rejects(
    decryptKeystore(keystore, "hunter3-secret"),
    "keystore_wrong_password",
  );
  const text = `${error.message} ${error.hint} ${JSON.stringify(error.data)}`;
  assert.ok(!text.includes("hunter"));
  assert.ok(!text.includes(KEY.slice(2)));
});

Deno.test("a new keystore file is private to its owner and never overwritten", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "lp.json");
    const address = await createKeystoreFile(path, KEY, "pw", { n: 16 });
    assert.equal(address, privateKeyToAddress(KEY).toLowerCase());
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal(await readKeystoreFile(path, "pw"), KEY);
    await rejects(createKeystoreFile(path, KEY, "other", { n: 16 }), "keystore_exists");
    assert.equal(await readKeystoreFile(path, "pw"), KEY, "the first file is intact");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { parseTokens, TokenConfigError } from "../../lib/coordinator/mod.ts";

Deno.test("a token list maps each token to its agent id", () => {
  const tokens = parseTokens("# agents\nlp-1=secret-one, lp-2 = secret-two\n\n");
  assert.deepEqual([...tokens], [["secret-one", "lp-1"], ["secret-two", "lp-2"]]);
});

Deno.test("a bad token list names the entry and the problem without echoing tokens", () => {
  const cases: [string, RegExp][] = [
    ["lp-1", /entry 1: expected agentId=token/],
    ["lp-1=long-enough,=x", /entry 2: expected agentId=token/],
    ["lp 1=long-enough", /entry 1: agent id "lp 1" must be/],
    ["lp-1=short", /entry 1: the token of lp-1 is shorter than 8/],
    ["lp-1=same-token,lp-2=same-token", /entry 2: lp-2 uses the same token as lp-1/],
    ["# nothing", /no agentId=token entries/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => parseTokens(text, "ENV"), (err) => {
      assert.ok(err instanceof TokenConfigError);
      assert.match(err.message, /^ENV: /);
      assert.match(err.message, expected);
      assert.doesNotMatch(err.message, /same-token|long-enough/);
      return true;
    });
  }
});

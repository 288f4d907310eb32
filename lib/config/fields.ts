/**
 * Leaf validators of the configuration file. Each one carries a {@link FieldInfo} describing what
 * it expects in words, so every error can say "expected …, got …" and suggest a fix. Format
 * checks (URLs, addresses, amounts) report their own expectation and hint through issue params.
 *
 * @module
 */
import { z } from "zod";
import { getAddress, isAddress } from "viem";

/** What a field expects, in words, and an example TOML value for hints. */
export interface FieldInfo {
  /** e.g. "a positive integer chain id". */
  expected: string;
  /** A TOML value to suggest, e.g. `10` or `"http://localhost:8545"`. */
  example?: string;
}

/** Registry from leaf schemas to their {@link FieldInfo}. */
export const fieldInfo = z.registry<FieldInfo>();

/** Params a format check attaches to its issue: the expectation and a fix hint. */
export interface CheckParams {
  expected: string;
  hint?: string;
}

/** Attaches `info` to `schema` and returns the schema. */
export function field<T extends z.ZodType>(schema: T, info: FieldInfo): T {
  fieldInfo.add(schema, info);
  return schema;
}

/** A string checked by `check`, which returns undefined when the value is fine. */
function checkedString(
  info: FieldInfo,
  check: (value: string) => CheckParams | undefined,
): z.ZodString {
  const schema = z.string().superRefine((value, ctx) => {
    const failure = check(value);
    if (failure !== undefined) {
      ctx.addIssue({ code: "custom", message: failure.expected, params: failure, input: value });
    }
  });
  return field(schema, info);
}

const PLACEHOLDER = /^<[A-Z0-9_]+>$/;

/** A hint for a value still holding a template placeholder such as `<REQUEST_MANAGER>`. */
function placeholderHint(value: string): string | undefined {
  return PLACEHOLDER.test(value)
    ? `replace the placeholder ${value} with the real value`
    : undefined;
}

/** An integer in [min, max]. */
export function integer(min: number, max: number, info: FieldInfo): z.ZodNumber {
  return field(z.number().int().min(min).max(max), info);
}

/** A finite number with an inclusive lower bound and an exclusive or inclusive upper bound. */
export function number(
  min: number,
  max: number,
  info: FieldInfo,
  { exclusiveMin = false, exclusiveMax = false } = {},
): z.ZodNumber {
  let schema = z.number();
  schema = exclusiveMin ? schema.gt(min) : schema.gte(min);
  schema = exclusiveMax ? schema.lt(max) : schema.lte(max);
  return field(schema, info);
}

/** A non-empty string. */
export function text(info: FieldInfo): z.ZodString {
  return field(z.string().min(1), info);
}

/** One of the given words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, example: string) {
  return field(z.enum(values), { expected: `one of ${values.join(", ")}`, example });
}

const URL_SCHEMES = {
  rpc: ["http:", "https:", "ws:", "wss:"],
  ws: ["ws:", "wss:"],
} as const;

/** Checks `value` as a URL with one of the schemes of `kind`. */
export function checkUrl(value: string, kind: keyof typeof URL_SCHEMES): CheckParams | undefined {
  const schemes = URL_SCHEMES[kind];
  const expected = `a URL (${schemes.map((s) => `${s}//`).join(", ")})`;
  const placeholder = placeholderHint(value);
  if (placeholder) return { expected, hint: placeholder };
  let url: URL | undefined;
  try {
    url = value.includes("://") ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined) {
    const bare = value.replace(/^\/+/, "");
    return { expected, hint: `write "${schemes[0]}//${bare}"` };
  }
  if ((schemes as readonly string[]).includes(url.protocol)) return undefined;
  const swap: Record<string, string> = { "http:": "ws:", "https:": "wss:" };
  const suggestion = kind === "ws" ? swap[url.protocol] : undefined;
  return {
    expected,
    hint: suggestion
      ? `write "${suggestion}${value.slice(url.protocol.length)}"`
      : `use one of ${schemes.map((s) => `${s}//`).join(", ")}`,
  };
}

/** A URL for a JSON-RPC endpoint: http(s) or ws(s). */
export function rpcUrl(): z.ZodString {
  return checkedString(
    { expected: "a URL (http://, https://, ws://, wss://)", example: '"http://localhost:8545"' },
    (value) => checkUrl(value, "rpc"),
  );
}

/** A WebSocket URL: ws(s). */
export function wsUrl(): z.ZodString {
  return checkedString(
    { expected: "a URL (ws://, wss://)", example: '"wss://coordinator.example.org/agent"' },
    (value) => checkUrl(value, "ws"),
  );
}

/** Checks `value` as an EIP-55 checksummed, non-zero address. */
export function checkAddress(value: string): CheckParams | undefined {
  const expected = "an EIP-55 checksummed address (0x followed by 40 hex digits)";
  const placeholder = placeholderHint(value);
  if (placeholder) return { expected, hint: placeholder };
  if (!isAddress(value, { strict: false })) {
    const hex = value.replace(/^0x/i, "");
    const hint = /^[0-9a-fA-F]*$/.test(hex)
      ? `an address has 40 hex digits after 0x; this one has ${hex.length}`
      : "an address is 0x followed by 40 hex digits (0-9, a-f)";
    return { expected, hint };
  }
  const checksummed = getAddress(value);
  if (checksummed === value) {
    if (/^0x0{40}$/.test(value)) {
      return {
        expected: "a contract or token address, not the zero address",
        hint: "write the deployed address",
      };
    }
    return undefined;
  }
  const lower = value.slice(2) === value.slice(2).toLowerCase();
  const what = lower || value.slice(2) === value.slice(2).toUpperCase()
    ? "carries no checksum"
    : "has a wrong checksum (a typo is likely: compare it with the source)";
  return { expected, hint: `the address ${what}; its checksummed form is "${checksummed}"` };
}

/** An EIP-55 checksummed address. */
export function address(): z.ZodString {
  return checkedString(
    { expected: "an EIP-55 checksummed address", example: '"0x…"' },
    checkAddress,
  );
}

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/**
 * Checks `value` as a non-negative decimal amount with at most `decimals` fraction digits
 * (any number of them when `decimals` is undefined).
 */
export function checkDecimal(value: string, decimals?: number): CheckParams | undefined {
  const limit = decimals === undefined ? "" : ` (at most ${decimals} decimals)`;
  const expected = `a decimal amount as a string, e.g. "0.1"${limit}`;
  const placeholder = placeholderHint(value);
  if (placeholder) return { expected, hint: placeholder };
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) {
    return { expected, hint: 'write digits with an optional fraction, e.g. "0.25"' };
  }
  const fraction = trimmed.split(".")[1] ?? "";
  if (decimals !== undefined && fraction.length > decimals) {
    return { expected, hint: `use at most ${decimals} digits after the point` };
  }
  return undefined;
}

/** An ETH amount as a decimal string (18 decimals), e.g. "0.1". */
export function ethAmount(): z.ZodString {
  return checkedString(
    { expected: 'an ETH amount as a decimal string, e.g. "0.1"', example: '"0.1"' },
    (value) => checkDecimal(value, 18),
  );
}

/**
 * A token amount as a decimal string. Its decimals come from the token class, so the fraction
 * length is checked later, when the class is known.
 */
export function tokenAmount(): z.ZodString {
  return checkedString(
    { expected: 'a token amount as a decimal string, e.g. "1000.5"', example: '"1000"' },
    (value) => checkDecimal(value),
  );
}

/** A token allowance: "max" or a decimal amount in token units. */
export function allowance(): z.ZodString {
  return checkedString(
    { expected: '"max" or a decimal token amount', example: '"max"' },
    (value) => {
      if (value === "max") return undefined;
      if (value === "-1") {
        return { expected: '"max" or a decimal token amount', hint: 'write "max"' };
      }
      const failure = checkDecimal(value);
      return failure && { expected: '"max" or a decimal token amount', hint: failure.hint };
    },
  );
}

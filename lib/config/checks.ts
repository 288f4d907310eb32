/**
 * Checks that span several keys (unique chain ids, token chains configured, heartbeat timing,
 * inspector exposure, …), run after the file passed its schema.
 *
 * @module
 */
import type { ConfigIssue } from "./error.ts";
import type { ConfigFile } from "./schema.ts";
import { checkDecimal } from "./fields.ts";

/** Environment and options the checks may consult. */
export interface CheckContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Whether secrets referenced by `token_env` must be present in `env`. */
  requireSecrets: boolean;
}

/** Whether `host` names the loopback interface. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

function duplicates<T>(values: readonly T[]): Map<T, number[]> {
  const seen = new Map<T, number[]>();
  values.forEach((value, index) => seen.set(value, [...(seen.get(value) ?? []), index]));
  return new Map([...seen].filter(([, indexes]) => indexes.length > 1));
}

function checkChains(file: ConfigFile, issues: ConfigIssue[]): void {
  for (const [id, indexes] of duplicates(file.chains.map((c) => c.chain_id))) {
    issues.push({
      path: `chains[${indexes[1]}].chain_id`,
      expected: "a chain id not used by another [[chains]] entry",
      found: `${id}, also used by chains[${indexes[0]}]`,
      hint: "each rollup appears once; merge the entries or fix the chain id",
    });
  }
  for (const [name, indexes] of duplicates(file.chains.map((c) => c.name))) {
    issues.push({
      path: `chains[${indexes[1]}].name`,
      expected: "a name not used by another [[chains]] entry",
      found: `${JSON.stringify(name)}, also used by chains[${indexes[0]}]`,
      hint: "give each chain its own name",
    });
  }
  file.chains.forEach((chain, i) => {
    const poll = chain.poll_period ?? file.agent.poll_period;
    const lag = chain.max_view_lag ?? file.agent.max_view_lag;
    if (lag <= poll) {
      issues.push({
        path: chain.max_view_lag === undefined ? "agent.max_view_lag" : `chains[${i}].max_view_lag`,
        expected: `more seconds than the poll period of chain ${chain.name} (${poll})`,
        found: String(lag),
        hint: `otherwise the view of ${chain.name} counts as stale between two polls; ` +
          `set max_view_lag to a few poll periods, e.g. ${Math.ceil(poll * 6)}`,
      });
    }
  });
}

function checkTokens(file: ConfigFile, issues: ConfigIssue[]): void {
  const chainIds = new Set(file.chains.map((c) => c.chain_id));
  const owners = new Map<string, string>();
  for (const [name, token] of Object.entries(file.tokens)) {
    const seen = new Set<number>();
    token.chains.forEach((entry, i) => {
      const where = `tokens.${name}.chains[${i}]`;
      if (!chainIds.has(entry.chain_id)) {
        issues.push({
          path: `${where}.chain_id`,
          expected: `the chain id of a [[chains]] entry (${[...chainIds].join(", ")})`,
          found: String(entry.chain_id),
          hint: "add a [[chains]] entry for that chain, or remove this token entry",
        });
      }
      if (seen.has(entry.chain_id)) {
        issues.push({
          path: `${where}.chain_id`,
          expected: `one entry per chain in tokens.${name}`,
          found: `${entry.chain_id} again`,
          hint: "a class holds one token per chain; remove the duplicate",
        });
      }
      seen.add(entry.chain_id);
      const key = `${entry.chain_id}:${entry.address.toLowerCase()}`;
      const owner = owners.get(key);
      if (owner !== undefined && owner !== name) {
        issues.push({
          path: `${where}.address`,
          expected: "a token that belongs to one class only",
          found: `${entry.address}, also in tokens.${owner}`,
          hint: "remove it from one of the two classes",
        });
      }
      owners.set(key, name);
      if (entry.allowance !== undefined && entry.allowance !== "max") {
        checkTokenDecimals(`${where}.allowance`, entry.allowance, token.decimals, issues);
      }
    });
  }
}

function checkTokenDecimals(
  path: string,
  amount: string,
  decimals: number,
  issues: ConfigIssue[],
): void {
  const failure = checkDecimal(amount, decimals);
  if (failure !== undefined) {
    issues.push({ path, ...failure, found: JSON.stringify(amount) });
  }
}

function checkPolicy(file: ConfigFile, issues: ConfigIssue[]): void {
  const classes = Object.keys(file.tokens);
  for (const [name, policy] of Object.entries(file.policy.tokens)) {
    const token = file.tokens[name];
    if (token === undefined) {
      issues.push({
        path: `policy.tokens.${name}`,
        expected: classes.length > 0
          ? `the name of a token class (${classes.join(", ")})`
          : "the name of a token class (none is configured)",
        found: JSON.stringify(name),
        hint: `add a [tokens.${name}] class, or fix the name`,
      });
      continue;
    }
    if (policy.max_amount !== undefined) {
      checkTokenDecimals(
        `policy.tokens.${name}.max_amount`,
        policy.max_amount,
        token.decimals,
        issues,
      );
    }
    checkTokenDecimals(
      `policy.tokens.${name}.reserve_balance`,
      policy.reserve_balance,
      token.decimals,
      issues,
    );
  }
}

function checkSecret(
  path: string,
  name: string,
  purpose: string,
  ctx: CheckContext,
  issues: ConfigIssue[],
): void {
  if (!ctx.requireSecrets) return;
  const value = ctx.env[name];
  if (value === undefined || value === "") {
    issues.push({
      path,
      expected: `the environment variable ${name} to hold ${purpose}`,
      found: value === undefined ? `${name} unset` : `${name} empty`,
      hint: `export ${name}=<token> before starting tern`,
    });
  }
}

function checkLinks(file: ConfigFile, ctx: CheckContext, issues: ConfigIssue[]): void {
  const coordinator = file.coordinator;
  if (coordinator !== undefined) {
    if (coordinator.heartbeat_timeout_ms <= coordinator.heartbeat_interval_ms) {
      issues.push({
        path: "coordinator.heartbeat_timeout_ms",
        expected: `more than heartbeat_interval_ms (${coordinator.heartbeat_interval_ms})`,
        found: String(coordinator.heartbeat_timeout_ms),
        hint: "a timeout of about three intervals tolerates one lost heartbeat, e.g. " +
          String(coordinator.heartbeat_interval_ms * 3),
      });
    }
    checkSecret(
      "coordinator.token_env",
      coordinator.token_env,
      "the coordinator token",
      ctx,
      issues,
    );
  }
  const inspector = file.inspector;
  if (inspector.enabled && !isLoopback(inspector.bind)) {
    if (inspector.token_env === undefined) {
      issues.push({
        path: "inspector.token_env",
        expected:
          `a token variable, because bind = ${JSON.stringify(inspector.bind)} is reachable ` +
          "from other machines",
        found: "nothing (the key is missing)",
        hint: 'add token_env = "TERN_INSPECTOR_TOKEN" and export that variable, ' +
          'or bind to "127.0.0.1"',
      });
    } else {
      checkSecret("inspector.token_env", inspector.token_env, "the inspector token", ctx, issues);
    }
  } else if (inspector.enabled && inspector.token_env !== undefined) {
    checkSecret("inspector.token_env", inspector.token_env, "the inspector token", ctx, issues);
  }
}

/** Every cross-key problem of a schema-valid file. */
export function crossChecks(file: ConfigFile, ctx: CheckContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  checkChains(file, issues);
  checkTokens(file, issues);
  checkPolicy(file, issues);
  checkLinks(file, ctx, issues);
  return issues;
}

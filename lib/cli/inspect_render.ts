/**
 * Text rendering of inspection results for the terminal.
 *
 * @module
 */

import type {
  ActorDetail,
  ClaimView,
  OutboxView,
  RequestView,
  TreeNode,
} from "../inspector/model.ts";
import type { RequestWithClaims } from "../inspector/client.ts";
import { table } from "./common.ts";

function when(at: unknown): string {
  if (typeof at === "number") return new Date(at > 1e12 ? at : at * 1000).toISOString();
  return String(at ?? "");
}

/** The supervision tree, one actor a line, indented by depth. */
export function renderTree(nodes: TreeNode[]): string {
  const lines: string[] = [];
  const walk = (n: TreeNode, depth: number) => {
    const name = depth === 0 ? n.path : n.path.slice(n.path.lastIndexOf("/"));
    lines.push(
      `${"  ".repeat(depth)}${name}  ${n.kind}  ${n.status}  restarts=${n.restarts} ` +
        `mailbox=${n.mailbox}${n.summary ? `  ${n.summary}` : ""}`,
    );
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const n of nodes) walk(n, 0);
  return lines.length === 0 ? "(no actors)" : lines.join("\n");
}

/** One actor: its summary and full state. */
export function renderActor(a: ActorDetail): string {
  return [
    `path: ${a.path}`,
    `kind: ${a.kind}`,
    `status: ${a.status}`,
    `summary: ${a.summary}`,
    `restarts: ${a.restarts}  mailbox: ${a.mailbox}`,
    `state:`,
    JSON.stringify(a.state, null, 2),
  ].join("\n");
}

/** Requests as a table. */
export function renderRequests(rs: RequestView[]): string {
  if (rs.length === 0) return "(no requests)";
  return table(
    ["ID", "STATE", "SOURCE", "TARGET", "AMOUNT", "UPDATED"],
    rs.map((r) => [
      r.id,
      r.state,
      String(r.sourceChainId ?? ""),
      String(r.targetChainId ?? ""),
      r.amount ?? "",
      when(r.history.at(-1)?.at),
    ]),
  );
}

/** One request with every transition and its claims. */
export function renderRequest(r: RequestWithClaims): string {
  const lines = [
    `request ${r.id}`,
    `  state: ${r.state}`,
    `  source chain: ${r.sourceChainId}  target chain: ${r.targetChainId ?? "?"}`,
  ];
  if (r.amount !== undefined) lines.push(`  amount: ${r.amount}`);
  if (r.reason !== undefined) lines.push(`  reason: ${r.reason}`);
  lines.push("", "transitions:");
  lines.push(
    table(
      ["STATE", "AT", "BLOCK", "TX", "REASON"],
      r.history.map((t) => [
        t.state,
        when(t.at),
        String(t.block ?? ""),
        t.tx ?? "",
        t.reason ?? "",
      ]),
    ),
  );
  lines.push("", "claims:");
  lines.push(r.claims.length === 0 ? "(none)" : renderClaims(r.claims));
  return lines.join("\n");
}

/** Claims as a table. */
export function renderClaims(cs: ClaimView[]): string {
  if (cs.length === 0) return "(no claims)";
  return table(
    ["CLAIM", "REQUEST", "STATE", "CLAIMER", "UPDATED"],
    cs.map((c) => [
      String(c.claimId),
      c.requestId,
      c.state,
      c.claimer,
      when(c.history.at(-1)?.at),
    ]),
  );
}

/** Outboxes: counters and the oldest pending messages. */
export function renderOutbox(os: OutboxView[]): string {
  if (os.length === 0) return "(no outbox)";
  const lines: string[] = [];
  for (const o of os) {
    lines.push(
      `outbox ${o.agentId} (stream ${o.streamId}): pending ${o.depth}, ` +
        `last seq ${o.lastSeq}, last acked seq ${o.lastAckedSeq}, ${o.bytes} bytes`,
    );
    for (const p of o.pending) lines.push(`  #${p.seq} ${JSON.stringify(p.message)}`);
  }
  return lines.join("\n");
}

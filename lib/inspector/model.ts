/**
 * What inspection shows, independent of where it comes from (a running system or a KV file):
 * actors with their tree, requests with their transitions, claims, and the coordinator outbox.
 * The HTTP endpoints return these shapes and the CLI prints them.
 *
 * @module
 */

/** One actor as inspection shows it. */
export interface ActorView {
  path: string;
  parent: string;
  kind: string;
  /** "active", "restarting", "passive", or "stored" when read offline from KV. */
  status: string;
  summary: string;
  restarts: number;
  mailbox: number;
  /** Behavior schema version of the stored snapshot (offline only). */
  version?: number;
}

/** One actor with its full state. */
export interface ActorDetail extends ActorView {
  state: unknown;
  timers?: unknown;
}

/** A node of the supervision tree. */
export interface TreeNode extends ActorView {
  children: TreeNode[];
}

/** One recorded transition of a request or claim. */
export interface Transition {
  state: string;
  at: number | string;
  block?: number | string;
  tx?: string;
  reason?: string;
}

/** A request as inspection shows it (from a `request` actor's state). */
export interface RequestView {
  id: string;
  path: string;
  state: string;
  sourceChainId: number | string;
  targetChainId?: number | string;
  amount?: string;
  reason?: string;
  history: Transition[];
}

/** A claim as inspection shows it (from its RequestActor's state, or a `claim` actor's). */
export interface ClaimView {
  claimId: string | number;
  requestId: string;
  path: string;
  state: string;
  claimer: string;
  history: Transition[];
}

/** The outbox of one link agent id. */
export interface OutboxView {
  agentId: string;
  streamId: string;
  depth: number;
  lastSeq: number;
  lastAckedSeq: number;
  bytes: number;
  /** The oldest pending messages (at most a page). */
  pending: { seq: number; message: unknown }[];
}

/** Filters of {@link requestsOf}. */
export interface RequestFilter {
  state?: string;
  chain?: string | number;
}

function rec(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null ? v as Record<string, unknown> : null;
}

function history(v: unknown): Transition[] {
  return Array.isArray(v) ? v.filter((t) => rec(t) !== null) as Transition[] : [];
}

/** The request view of a `request` actor's state, or null when the state is not shaped so. */
export function requestView(path: string, state: unknown): RequestView | null {
  const s = rec(state);
  if (!s || s.id === undefined) return null;
  return {
    id: String(s.id),
    path,
    state: String(s.fsm ?? "?"),
    sourceChainId: s.sourceChainId as number,
    targetChainId: s.targetChainId as number | undefined,
    amount: s.amount === undefined ? undefined : String(s.amount),
    reason: s.reason === undefined ? undefined : String(s.reason),
    history: history(s.history),
  };
}

/** The claim view of a claim record (a request's `claims[id]`, or a `claim` actor's state). */
export function claimView(path: string, state: unknown): ClaimView | null {
  const s = rec(state);
  if (!s || s.claimId === undefined) return null;
  return {
    claimId: s.claimId as string | number,
    requestId: String(s.requestId ?? ""),
    path,
    state: String(s.fsm ?? "?"),
    claimer: String(s.claimer ?? ""),
    history: history(s.history),
  };
}

/** Whether a request passes a filter (chain matches source or target). */
export function matchesRequest(r: RequestView, f: RequestFilter): boolean {
  if (f.state !== undefined && f.state !== "" && r.state !== f.state) return false;
  if (f.chain !== undefined && f.chain !== "") {
    const c = String(f.chain);
    if (String(r.sourceChainId) !== c && String(r.targetChainId) !== c) return false;
  }
  return true;
}

/** Builds the supervision tree from a flat list (parents before or after children). */
export function buildTree(actors: readonly ActorView[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>();
  for (const a of actors) nodes.set(a.path, { ...a, children: [] });
  const roots: TreeNode[] = [];
  for (const n of nodes.values()) {
    const parent = nodes.get(n.parent);
    if (parent && parent !== n) parent.children.push(n);
    else roots.push(n);
  }
  const sort = (list: TreeNode[]) => {
    list.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

/**
 * Where inspection data comes from: a running {@link ActorSystem} or a KV file. Every method
 * is read-only.
 */
export interface InspectSource {
  /** Every actor (without state). */
  actors(): Promise<ActorView[]>;
  /** One actor with its state, or null. */
  actor(path: string): Promise<ActorDetail | null>;
  /** Every actor of a kind with its state. */
  actorsOfKind(kind: string): Promise<ActorDetail[]>;
  /** Outboxes of the coordinator link. */
  outbox(): Promise<OutboxView[]>;
}

/** Requests of a source, filtered, sorted by id. */
export async function requestsOf(
  src: InspectSource,
  f: RequestFilter = {},
): Promise<RequestView[]> {
  const out: RequestView[] = [];
  for (const a of await src.actorsOfKind("request")) {
    const r = requestView(a.path, a.state);
    if (r && matchesRequest(r, f)) out.push(r);
  }
  return out.sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Claims of a source, optionally of one request: the claims a RequestActor keeps in its state
 * (`state.claims`, by claim id), and `claim` actors where a deployment runs claims as actors.
 */
export async function claimsOf(src: InspectSource, requestId?: string): Promise<ClaimView[]> {
  const out: ClaimView[] = [];
  const keep = (c: ClaimView | null) => {
    if (c && (requestId === undefined || c.requestId === requestId)) out.push(c);
  };
  for (const a of await src.actorsOfKind("request")) {
    const claims = rec(rec(a.state)?.claims);
    if (!claims) continue;
    for (const [id, c] of Object.entries(claims)) keep(claimView(`${a.path}#claim:${id}`, c));
  }
  for (const a of await src.actorsOfKind("claim")) keep(claimView(a.path, a.state));
  return out;
}

/** One request with its claims, or null. */
export async function requestDetail(
  src: InspectSource,
  id: string,
): Promise<(RequestView & { claims: ClaimView[] }) | null> {
  const r = (await requestsOf(src)).find((x) => x.id === id);
  if (!r) return null;
  return { ...r, claims: await claimsOf(src, id) };
}

/**
 * The StatusHub's arithmetic: cumulative counts of request, claim and transaction state changes,
 * reasons for ignored and deferred requests, and fill latency.
 * Pure functions over plain JSON, so the hub's snapshot stays small whatever the history.
 *
 * @module
 */

import type { StatusReport } from "./messages.ts";

/** Upper bounds (ms) of the fill latency histogram buckets; the last bucket is open. */
export const LATENCY_BUCKETS_MS = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

/** At most this many requests wait in `pendingSince` for their fill (oldest dropped first). */
export const MAX_PENDING_TRACKED = 5_000;

/** Cumulative request counts: a request counts once in each state it entered. */
export interface RequestCounts {
  seen: number;
  filled: number;
  claimed: number;
  withdrawn: number;
  ignored: number;
  /** Filled by another LP first. */
  filledByOther: number;
}

/** The hub's counts. */
export interface StatusTally {
  requests: RequestCounts;
  /** Entries into each request state, by state name. */
  requestStates: Record<string, number>;
  /** Entries into each claim state, by state name. */
  claimStates: Record<string, number>;
  /** Transaction outcomes by `<chainId>:<purpose>:<state>` (state `mined`, `reverted`, …). */
  txStates: Record<string, number>;
  /** Why requests were ignored (final) or deferred (waiting). */
  reasons: Record<string, number>;
  /** Wall-clock ms at which a request was first reported, until it is filled. */
  pendingSince: Record<string, number>;
  /** Counts per {@link LATENCY_BUCKETS_MS} bucket, plus one open bucket. */
  fillLatency: number[];
  /** Sum of all fill latencies (ms) and their count, for the mean. */
  fillLatencySumMs: number;
  fillLatencyCount: number;
  /** Reports received in all (re-sent ones included). */
  reports: number;
}

/** A tally with nothing counted. */
export function emptyTally(): StatusTally {
  return {
    requests: { seen: 0, filled: 0, claimed: 0, withdrawn: 0, ignored: 0, filledByOther: 0 },
    requestStates: {},
    claimStates: {},
    txStates: {},
    reasons: {},
    pendingSince: {},
    fillLatency: new Array(LATENCY_BUCKETS_MS.length + 1).fill(0),
    fillLatencySumMs: 0,
    fillLatencyCount: 0,
    reports: 0,
  };
}

function bump(rec: Record<string, number>, key: string): Record<string, number> {
  return { ...rec, [key]: (rec[key] ?? 0) + 1 };
}

/** Index of the latency bucket for `ms`. */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

/**
 * Whether a report is a state change worth counting. Re-sent reports (after a restart or a
 * resync) and reports whose `details.from` equals the state carry no new transition.
 */
export function isTransition(report: StatusReport): boolean {
  const d = report.details ?? {};
  if (d.resend === true) return false;
  return d.from === undefined || d.from !== report.state;
}

const REQUEST_COUNTED: Record<string, keyof RequestCounts> = {
  pending: "seen",
  filled: "filled",
  claimed: "claimed",
  withdrawn: "withdrawn",
  ignored: "ignored",
};

/** The tally after one report; `now` stamps first sightings for the fill latency. */
export function tallyReport(t: StatusTally, report: StatusReport): Partial<StatusTally> {
  const reports = t.reports + 1;
  if (!isTransition(report)) return { reports };
  const reason = typeof report.details?.reason === "string" ? report.details.reason : undefined;
  const reasons = reason ? bump(t.reasons, `${report.state}: ${reason}`) : t.reasons;
  if (report.kind === "claim") {
    return { reports, reasons, claimStates: bump(t.claimStates, report.state) };
  }
  if (report.kind === "tx") {
    const purpose = typeof report.details?.purpose === "string" ? report.details.purpose : "tx";
    const key = `${report.chainId}:${purpose}:${report.state}`;
    return { reports, reasons, txStates: bump(t.txStates, key) };
  }
  const requests = { ...t.requests };
  const counted = REQUEST_COUNTED[report.state];
  if (counted) requests[counted]++;
  if (report.details?.filledBy === "other") requests.filledByOther++;
  const out: Partial<StatusTally> = {
    reports,
    reasons,
    requests,
    requestStates: bump(t.requestStates, report.state),
  };
  const at = Date.parse(report.at);
  if (report.state === "pending" && Number.isFinite(at)) {
    const pendingSince = { ...t.pendingSince, [report.id]: at };
    const ids = Object.keys(pendingSince);
    if (ids.length > MAX_PENDING_TRACKED) delete pendingSince[ids[0]];
    out.pendingSince = pendingSince;
  } else if (report.id in t.pendingSince) {
    const pendingSince = { ...t.pendingSince };
    const since = pendingSince[report.id];
    delete pendingSince[report.id];
    out.pendingSince = pendingSince;
    if (report.state === "filled" && report.details?.filledBy !== "other" && Number.isFinite(at)) {
      const ms = Math.max(0, at - since);
      const fillLatency = [...t.fillLatency];
      fillLatency[latencyBucket(ms)]++;
      out.fillLatency = fillLatency;
      out.fillLatencySumMs = t.fillLatencySumMs + ms;
      out.fillLatencyCount = t.fillLatencyCount + 1;
    }
  }
  return out;
}

/**
 * The latency under which `q` (0..1) of the fills happened, as a bucket upper bound in ms
 * (`Infinity` when it falls in the open bucket, `undefined` with no fills).
 */
export function latencyQuantile(t: StatusTally, q: number): number | undefined {
  if (t.fillLatencyCount === 0) return undefined;
  const target = Math.ceil(q * t.fillLatencyCount);
  let acc = 0;
  for (let i = 0; i < t.fillLatency.length; i++) {
    acc += t.fillLatency[i];
    if (acc >= target) return i < LATENCY_BUCKETS_MS.length ? LATENCY_BUCKETS_MS[i] : Infinity;
  }
  return Infinity;
}

/** One progress line for people, e.g. for the demo. */
export function progressLine(t: StatusTally): string {
  const r = t.requests;
  const p50 = latencyQuantile(t, 0.5);
  const lat = p50 === undefined ? "-" : `p50≤${p50}ms`;
  const ignored = Object.entries(t.reasons)
    .filter(([k]) => k.startsWith("ignored: "))
    .map(([k, n]) => `${k.slice("ignored: ".length)}×${n}`)
    .join(", ");
  return `requests seen ${r.seen} · filled ${r.filled} · claimed ${r.claimed} · ` +
    `withdrawn ${r.withdrawn} · ignored ${r.ignored}${ignored ? ` (${ignored})` : ""} · ` +
    `filled by others ${r.filledByOther} · fill latency ${lat}`;
}

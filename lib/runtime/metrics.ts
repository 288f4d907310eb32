/**
 * Counters of the actor runtime, and the inspection record of one actor.
 *
 * @module
 */

/** What inspection shows about one actor. */
export interface ActorInfo {
  /** The actor's path. */
  path: string;
  /** Behavior kind. */
  kind: string;
  /** Lifecycle status ("active", "restarting", "passive", …). */
  status: string;
  /** The behavior's one-line summary of the state. */
  summary: string;
  /** Restarts of this actor since it became live. */
  restarts: number;
  /** Handler failures since it became live. */
  failures: number;
  /** Messages waiting to be handled. */
  mailbox: number;
  /** Names of armed timers. */
  timers: string[];
  /** Number of children. */
  children: number;
}

/** Monotonic counters of one actor system, read by `/metrics` and benchmarks. */
export class RuntimeMetrics {
  /** Messages handled (successfully or not). */
  messages = 0;
  /** Handler failures. */
  failures = 0;
  /** Actor restarts. */
  restarts = 0;
  /** Failures escalated past a supervisor's restart intensity. */
  escalations = 0;
  /** Messages to paths with no actor. */
  deadLetters = 0;
  /** Snapshots that could not be written. */
  writeFailures = 0;
  /** Actors passivated. */
  passivations = 0;
  /** Passivated actors re-activated by a message or timer. */
  activations = 0;
  /** Actors restored at start-up. */
  recovered = 0;
  /** KV commits of snapshots. */
  commits = 0;
  /** Snapshot mutations committed. */
  snapshotsWritten = 0;
  /** Sum of commit durations (ms). */
  commitMsTotal = 0;
  /** Commit duration histogram: counts per upper bound in ms (last bucket = +Inf). */
  readonly commitBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];
  readonly commitCounts: number[] = new Array(11).fill(0);

  /** Records one commit of `n` snapshots taking `ms`. */
  commit(n: number, ms: number): void {
    this.commits++;
    this.snapshotsWritten += n;
    this.commitMsTotal += ms;
    let i = this.commitBuckets.findIndex((b) => ms <= b);
    if (i < 0) i = this.commitBuckets.length;
    this.commitCounts[i]++;
  }
}

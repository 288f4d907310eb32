/**
 * The coordinator link wire protocol: JSON frames `{ v: 1, type, seq?, body }` as zod schemas,
 * with a decoder that never throws and reports why a frame was refused.
 *
 * @module
 */
import { z } from "zod";

/** The protocol version every frame carries in `v`. */
export const PROTOCOL_VERSION = 1;

/** Default largest frame either side accepts, in bytes of UTF-8 (1 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

const chainId = z.number().int().positive();
const seqNumber = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const positiveSeq = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const shortText = z.string().min(1).max(256);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");
const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'expected a decimal string like "1500"');
const jsonObject = z.record(z.string(), z.unknown());

/** An agent id: letters, digits, `.`, `_`, `-` and `:`; at most 128 characters. */
export const agentIdSchema = z.string().regex(
  /^[A-Za-z0-9._:-]{1,128}$/,
  "expected 1-128 characters of A-Z a-z 0-9 . _ : -",
);

/** A chain the agent serves: its EIP-155 id and a display name. */
export const chainInfoSchema = z.object({ chainId, name: z.string().min(1).max(64) });

/** `hello` body: the first frame on every connection; authenticates the agent. */
export const helloBodySchema = z.object({
  agentId: agentIdSchema,
  version: shortText,
  chains: z.array(chainInfoSchema).max(256),
  lpAddress: address,
  /** Identifies the agent's outbox; a new id starts a new seq space at the coordinator. */
  streamId: z.string().regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    "expected 1-64 characters of A-Z a-z 0-9 _ -",
  ),
  lastAckedSeq: seqNumber,
  token: z.string().min(1).max(4096),
});

/** Which kind of thing a status message is about. */
export const statusKindSchema = z.enum(["request", "claim", "tx"]);

/** `status` body: one state change of a request, a claim or a transaction. */
export const statusBodySchema = z.object({
  kind: statusKindSchema,
  id: z.string().min(1).max(256),
  state: z.string().min(1).max(64),
  chainId,
  at: z.iso.datetime({ offset: true }),
  details: jsonObject,
});

/** One balance entry of a `spec`: amount in the token's base units, as a decimal string. */
export const balanceSchema = z.object({
  chainId,
  token: address,
  symbol: z.string().max(32).optional(),
  amount: decimalString,
});

/** `spec` body: what the agent has and serves. */
export const specBodySchema = z.object({
  balances: z.array(balanceSchema).max(10_000),
  chains: z.array(chainInfoSchema).max(256),
  config: jsonObject,
});

/** `metrics` body: a flat map of metric name to finite number. */
export const metricsBodySchema = z.object({
  values: z.record(z.string().min(1).max(200), z.number().finite()),
});

/** `heartbeat` body: the agent's wall clock (ms since epoch) and its outbox depth. */
export const heartbeatBodySchema = z.object({
  sentAt: z.number().int().nonnegative(),
  outboxDepth: seqNumber,
});

/** `pong` body (both directions): the `sentAt` of the ping or heartbeat it answers. */
export const pongBodySchema = z.object({
  sentAt: z.number().int().nonnegative(),
  receivedAt: z.number().int().nonnegative().optional(),
});

/** `command_result` body: the agent's answer to a coordinator command. */
export const commandResultBodySchema = z.object({
  id: z.string().min(1).max(128),
  ok: z.boolean(),
  detail: z.string().max(1000).optional(),
});

/** `welcome` body: the last seq the coordinator stored for this agent's stream. */
export const welcomeBodySchema = z.object({
  lastReceivedSeq: seqNumber,
  heartbeatIntervalMs: z.number().int().positive().optional(),
});

/** `ack` body: cumulative; every seq up to and including `seq` is stored. */
export const ackBodySchema = z.object({ seq: seqNumber });

/** A command the coordinator asks the agent to carry out. */
export const commandSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("pause_chain"), chainId }),
  z.object({ kind: z.literal("resume_chain"), chainId }),
  z.object({ kind: z.literal("drain") }),
  z.object({ kind: z.literal("resync") }),
]);

/** `command` body: a command with an id the agent echoes in its `command_result`. */
export const commandBodySchema = z.object({
  id: z.string().min(1).max(128),
  command: commandSchema,
});

/** `ping` body: the coordinator's wall clock; the agent answers with `pong`. */
export const pingBodySchema = z.object({ sentAt: z.number().int().nonnegative() });

/** `error` body: why the coordinator refused something; `seq` when it concerns one frame. */
export const errorBodySchema = z.object({
  reason: z.string().min(1).max(64),
  message: z.string().max(2000),
  seq: seqNumber.optional(),
});

function frame<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal(type), body });
}

function sequencedFrame<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.object({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal(type),
    seq: positiveSeq,
    body,
  });
}

function optionallySequencedFrame<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.object({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal(type),
    seq: positiveSeq.optional(),
    body,
  });
}

/** Schemas of the frames an agent sends, by type. */
export const agentFrameSchemas = {
  hello: frame("hello", helloBodySchema),
  status: sequencedFrame("status", statusBodySchema),
  spec: optionallySequencedFrame("spec", specBodySchema),
  metrics: optionallySequencedFrame("metrics", metricsBodySchema),
  heartbeat: frame("heartbeat", heartbeatBodySchema),
  pong: frame("pong", pongBodySchema),
  command_result: frame("command_result", commandResultBodySchema),
} as const;

/** Schemas of the frames a coordinator sends, by type. */
export const coordinatorFrameSchemas = {
  welcome: frame("welcome", welcomeBodySchema),
  ack: frame("ack", ackBodySchema),
  command: frame("command", commandBodySchema),
  ping: frame("ping", pingBodySchema),
  pong: frame("pong", pongBodySchema),
  error: frame("error", errorBodySchema),
} as const;

type SchemaMap = Record<string, z.ZodType>;
type FrameOf<M extends SchemaMap> = { [K in keyof M]: z.infer<M[K]> }[keyof M];

/** A frame sent by an agent to the coordinator. */
export type AgentFrame = FrameOf<typeof agentFrameSchemas>;
/** A frame sent by the coordinator to an agent. */
export type CoordinatorFrame = FrameOf<typeof coordinatorFrameSchemas>;
/** Any frame of the protocol. */
export type Frame = AgentFrame | CoordinatorFrame;
/** The type names of agent frames. */
export type AgentFrameType = AgentFrame["type"];
/** The type names of coordinator frames. */
export type CoordinatorFrameType = CoordinatorFrame["type"];
/** The agent frame of a given type, e.g. `AgentFrameOf<"status">`. */
export type AgentFrameOf<T extends AgentFrameType> = Extract<AgentFrame, { type: T }>;
/** The coordinator frame of a given type, e.g. `CoordinatorFrameOf<"ack">`. */
export type CoordinatorFrameOf<T extends CoordinatorFrameType> = Extract<
  CoordinatorFrame,
  { type: T }
>;
/** A command the coordinator can send. */
export type Command = z.infer<typeof commandSchema>;
/** The body of a status frame. */
export type StatusBody = z.infer<typeof statusBodySchema>;
/** The body of a hello frame. */
export type HelloBody = z.infer<typeof helloBodySchema>;
/** The body of a spec frame. */
export type SpecBody = z.infer<typeof specBodySchema>;

/** Which side sent a frame; it decides which types are valid. */
export type FrameSender = "agent" | "coordinator";

/** Why a frame was refused. */
export type FrameRejection =
  | "invalid_json"
  | "unknown_type"
  | "wrong_version"
  | "oversize"
  | "invalid_body";

/** Every rejection reason, for counters that start at zero. */
export const FRAME_REJECTIONS: readonly FrameRejection[] = [
  "invalid_json",
  "unknown_type",
  "wrong_version",
  "oversize",
  "invalid_body",
];

/** The result of {@link decodeFrame}: a valid frame, or the reason and a readable detail. */
export type DecodeResult<F> =
  | { ok: true; frame: F }
  | { ok: false; reason: FrameRejection; detail: string; seq?: number };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The UTF-8 byte length of a string, computed only as far as needed to compare with `limit`.
 * Returns a number greater than `limit` as soon as the string is known to exceed it.
 */
export function utf8ByteLength(text: string, limit = Infinity): number {
  if (text.length > limit) return text.length; // every UTF-16 unit is at least one byte
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > limit) return bytes;
  }
  return bytes;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(frame)"}: ${issue.message}`)
    .join("; ");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function seqHint(envelope: Record<string, unknown>): number | undefined {
  const seq = envelope.seq;
  return typeof seq === "number" && Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/**
 * Decode and validate one frame. Never throws: a refused frame comes back as
 * `{ ok: false, reason, detail }`.
 *
 * @example
 * const r = decodeFrame('{"v":1,"type":"ack","body":{"seq":3}}', "coordinator", 1 << 20);
 * if (r.ok && r.frame.type === "ack") console.log(r.frame.body.seq); // 3
 */
export function decodeFrame(
  raw: string | ArrayBuffer | Uint8Array,
  sender: "agent",
  maxBytes?: number,
): DecodeResult<AgentFrame>;
export function decodeFrame(
  raw: string | ArrayBuffer | Uint8Array,
  sender: "coordinator",
  maxBytes?: number,
): DecodeResult<CoordinatorFrame>;
export function decodeFrame(
  raw: string | ArrayBuffer | Uint8Array,
  sender: FrameSender,
  maxBytes?: number,
): DecodeResult<Frame>;
export function decodeFrame(
  raw: string | ArrayBuffer | Uint8Array,
  sender: FrameSender,
  maxBytes = DEFAULT_MAX_FRAME_BYTES,
): DecodeResult<Frame> {
  try {
    return decodeUnsafe(raw, sender, maxBytes);
  } catch (err) {
    // The steps above are written not to throw; this keeps the promise if one ever does.
    return { ok: false, reason: "invalid_body", detail: `decoder failure: ${String(err)}` };
  }
}

function decodeUnsafe(
  raw: string | ArrayBuffer | Uint8Array,
  sender: FrameSender,
  maxBytes: number,
): DecodeResult<Frame> {
  let text: string;
  if (typeof raw === "string") {
    const bytes = utf8ByteLength(raw, maxBytes);
    if (bytes > maxBytes) {
      return { ok: false, reason: "oversize", detail: `frame exceeds ${maxBytes} bytes` };
    }
    text = raw;
  } else {
    const view = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
    if (view.byteLength > maxBytes) {
      return {
        ok: false,
        reason: "oversize",
        detail: `frame of ${view.byteLength} bytes exceeds ${maxBytes} bytes`,
      };
    }
    try {
      text = utf8.decode(view);
    } catch {
      return { ok: false, reason: "invalid_json", detail: "frame is not valid UTF-8" };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: "invalid_json", detail: `not JSON: ${message.slice(0, 200)}` };
  }
  if (!isRecord(parsed)) {
    return { ok: false, reason: "invalid_body", detail: "a frame must be a JSON object" };
  }
  if (parsed.v !== PROTOCOL_VERSION) {
    const got = JSON.stringify(parsed.v) ?? "nothing";
    return {
      ok: false,
      reason: "wrong_version",
      detail: `expected v ${PROTOCOL_VERSION}, got ${got.slice(0, 40)}`,
    };
  }
  const schemas: SchemaMap = sender === "agent" ? agentFrameSchemas : coordinatorFrameSchemas;
  const type = parsed.type;
  if (typeof type !== "string" || !Object.hasOwn(schemas, type)) {
    const shown = typeof type === "string" ? JSON.stringify(type.slice(0, 40)) : typeof type;
    return {
      ok: false,
      reason: "unknown_type",
      detail: `${shown} is not a frame type an ${sender} sends (expected one of ${
        Object.keys(schemas).join(", ")
      })`,
    };
  }
  const result = schemas[type].safeParse(parsed);
  if (!result.success) {
    return {
      ok: false,
      reason: "invalid_body",
      detail: `${type}: ${describeIssues(result.error)}`,
      seq: seqHint(parsed),
    };
  }
  return { ok: true, frame: result.data as Frame };
}

/**
 * Encode a frame as the JSON text sent on the wire.
 *
 * @example
 * encodeFrame({ v: 1, type: "ack", body: { seq: 7 } }); // '{"v":1,"type":"ack","body":{"seq":7}}'
 */
export function encodeFrame(frame: Frame): string {
  return JSON.stringify(frame);
}

/** Build an agent frame of the given type (adds `v`). */
export function agentFrame<T extends AgentFrameType>(
  type: T,
  body: AgentFrameOf<T>["body"],
  seq?: number,
): AgentFrameOf<T> {
  const f = seq === undefined
    ? { v: PROTOCOL_VERSION, type, body }
    : { v: PROTOCOL_VERSION, type, seq, body };
  return f as unknown as AgentFrameOf<T>;
}

/** Build a coordinator frame of the given type (adds `v`). */
export function coordinatorFrame<T extends CoordinatorFrameType>(
  type: T,
  body: CoordinatorFrameOf<T>["body"],
): CoordinatorFrameOf<T> {
  return { v: PROTOCOL_VERSION, type, body } as unknown as CoordinatorFrameOf<T>;
}

/**
 * The coordinator link: wire protocol, transports and the persistent outbox.
 *
 * @module
 */
export * from "./frames.ts";
export * from "./close_codes.ts";
export * from "./transport.ts";
export {
  WebSocketTransport,
  webSocketTransportFactory,
  type WebSocketTransportOptions,
} from "./ws_transport.ts";
export { createMemoryPair, MemoryListener, MemoryTransport } from "./memory_transport.ts";
export {
  MAX_OUTBOX_ENTRY_BYTES,
  Outbox,
  type OutboxEntry,
  OutboxError,
  type OutboxOptions,
  type OutboxStats,
} from "./outbox.ts";
export {
  DEFAULT_SENDER_OPTIONS,
  initialSenderState,
  type SenderAction,
  type SenderEvent,
  type SenderOptions,
  type SenderState,
  type SenderStep,
  senderStep,
} from "./sender.ts";
export { backoffDelayMs, type BackoffOptions, DEFAULT_BACKOFF } from "./backoff.ts";
export {
  type AgentIdentity,
  helloFrame,
  type InboundEffect,
  interpretCoordinatorData,
} from "./agent_inbound.ts";
export {
  createLinkServices,
  DEFAULT_LINK_TUNING,
  type LinkAgentInfo,
  type LinkCounters,
  type LinkReadiness,
  type LinkServices,
  type LinkServicesOptions,
  type LinkTuning,
  statusBodyOf,
} from "./services.ts";
export { HEARTBEAT_PATH, linkBehaviors, linkMetrics, startLink, stopLink } from "./wiring.ts";

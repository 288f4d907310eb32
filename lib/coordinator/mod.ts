/**
 * The reference coordinator of the link: a WebSocket server that stores what agents send.
 *
 * @module
 */
export {
  type AgentStats,
  type Coordinator,
  type CoordinatorOptions,
  type CoordinatorStats,
  runCoordinator,
  type SendCommandResult,
  startCoordinator,
} from "./server.ts";
export {
  type AgentRecord,
  type CommandRecord,
  CoordinatorStore,
  type LatestState,
  type StoredMessage,
} from "./store.ts";
export { coordinatorApp, escapeHtml, type HttpContext } from "./http.ts";
export { parseTokens, TokenConfigError } from "./tokens.ts";

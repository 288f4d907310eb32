/**
 * WebSocket close codes of the coordinator link and whether a client may reconnect after them.
 *
 * @module
 */

/** Close codes used on the link. 1xxx are RFC 6455 codes; 4xxx are this protocol's own. */
export const CloseCodes = {
  /** Normal closure: either side is done. Reconnect if the agent is still running. */
  normal: 1000,
  /** The coordinator is shutting down or restarting. Reconnect with backoff. */
  goingAway: 1001,
  /** Too many bad frames on one connection. Reconnect with backoff. */
  policyViolation: 1008,
  /** The coordinator received a frame above its size limit. Reconnect with backoff. */
  messageTooBig: 1009,
  /** The coordinator failed to store what it received. Reconnect with backoff. */
  internalError: 1011,
  /** The token is unknown or belongs to another agent id. Do not reconnect. */
  badAuth: 4001,
  /** No valid hello arrived first or in time. Reconnect with backoff. */
  helloRequired: 4002,
  /** A newer connection for the same agent id took over. Do not reconnect. */
  superseded: 4003,
  /** The agent's heartbeat window passed without a frame from the coordinator. */
  heartbeatTimeout: 4008,
  /**
   * A client received a frame above its size limit. The WebSocket API does not let clients send
   * 1009, so clients close with this code instead.
   */
  messageTooBigClient: 4009,
} as const;

/** A close code the link defines. */
export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

/**
 * Whether an agent should reconnect after the connection closed with `code`.
 *
 * @example
 * isRetryableClose(CloseCodes.badAuth); // false: a wrong token does not get better by retrying
 */
export function isRetryableClose(code: number): boolean {
  return code !== CloseCodes.badAuth && code !== CloseCodes.superseded;
}

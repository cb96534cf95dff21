import type { ServerResponse } from "node:http";
import type { FastifyPluginAsync } from "fastify";
import type { RawData, WebSocket } from "ws";
import { ErrorCode } from "../../shared/api.ts";
import { errorBody } from "../http/errors.ts";
import { isAllowedOrigin } from "../http/origin.ts";
import { WsRelaySocket } from "../http/wsRelaySocket.ts";
import type { ConnectionHandle, RelayLog } from "../relay/relay.ts";

/**
 * Adapts `@fastify/websocket` sockets to the framework-free relay.
 *
 * A sync socket lives for hours, and 2,000 of them sit idle on a workshop day: whatever one holds
 * on to is held 2,000 times. So once upgraded, a socket keeps nothing of its HTTP request: not the
 * Fastify request or reply, their per-request logger, the raw request's headers, or the response
 * `@fastify/websocket` made for routing (≈ 7 KB of heap each). See `release`.
 */
export const syncRoutes: FastifyPluginAsync = async (app) => {
  /** The raw response of each upgrade being routed, so the handler can let go of it (see `release`). */
  const responses = new WeakMap<object, ServerResponse>();
  app.get<{ Params: { "*": string }; Querystring: { token?: string } }>(
    "/sync/*",
    {
      websocket: true,
      // Refused before the upgrade: a page of another site never gets a socket, a document load or a byte.
      onRequest: async (request, reply) => {
        if (isAllowedOrigin(request.headers.origin, request.headers.host, app.config.publicUrl)) {
          responses.set(request, reply.raw);
          return;
        }
        app.relay.stats.originRefused++;
        return reply
          .status(403)
          .send(errorBody(ErrorCode.Forbidden, "Cross-origin sync connections are refused."));
      },
    },
    (socket, request) => {
      const token = typeof request.query.token === "string" ? request.query.token : undefined;
      const name = request.params["*"];
      const requestId = request.id;
      release(socket, responses.get(request));
      responses.delete(request);
      // Listeners are attached synchronously so no frame is lost while the token is checked.
      const handle = app.relay.connect(new WsRelaySocket(socket), name, token);
      listen(socket, handle, app.log, requestId);
    },
  );
};

/**
 * Drops what would tie a long-lived socket to its HTTP request. `@fastify/websocket` routes an
 * upgrade through Fastify with a `ServerResponse` assigned to the socket (the socket keeps it as
 * its current message, and the response keeps the request, the reply and Fastify's listeners),
 * and attaches an `error` listener that closes over the request and the reply. Detaching the
 * response and replacing that listener by ours (`listen`: it logs, terminates and lets the relay
 * know, as the plugin's did) lets all of that be collected once the handler returns.
 */
function release(socket: WebSocket, response: ServerResponse | undefined): void {
  if (response?.socket) response.detachSocket(response.socket);
  for (const listener of socket.listeners("error")) {
    socket.off("error", listener as (...args: unknown[]) => void);
  }
}

/**
 * The socket's listeners, built in their own scope: a closure keeps its whole scope alive, so
 * closures made in the route handler would keep the request they were made next to.
 */
function listen(socket: WebSocket, handle: ConnectionHandle, log: RelayLog, requestId: string): void {
  socket.on("message", (data: RawData, isBinary: boolean) => handle.receive(toBytes(data), isBinary));
  socket.on("pong", () => handle.pong());
  socket.on("close", () => handle.closed());
  socket.on("error", (error) => {
    log.warn({ reqId: requestId, err: error }, "websocket error");
    socket.terminate();
    handle.closed();
  });
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

import type { FastifyPluginAsync } from "fastify";
import type { RawData, WebSocket } from "ws";
import { ErrorCode } from "../../shared/api.ts";
import { errorBody } from "../http/errors.ts";
import { isAllowedOrigin } from "../http/origin.ts";
import type { RelaySocket } from "../relay/socket.ts";

/** Adapts `@fastify/websocket` sockets to the framework-free relay. */
export const syncRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { "*": string }; Querystring: { token?: string } }>(
    "/sync/*",
    {
      websocket: true,
      // Refused before the upgrade: a page of another site never gets a socket, a document load or a byte.
      onRequest: async (request, reply) => {
        if (isAllowedOrigin(request.headers.origin, request.headers.host, app.config.publicUrl)) return;
        app.relay.stats.originRefused++;
        return reply
          .status(403)
          .send(errorBody(ErrorCode.Forbidden, "Cross-origin sync connections are refused."));
      },
    },
    (socket, request) => {
      const token = typeof request.query.token === "string" ? request.query.token : undefined;
      // Listeners are attached synchronously so no frame is lost while the token is checked.
      const handle = app.relay.connect(adapt(socket), request.params["*"], token);
      socket.on("message", (data: RawData, isBinary: boolean) => handle.receive(toBytes(data), isBinary));
      socket.on("pong", () => handle.pong());
      socket.on("close", () => handle.closed());
      socket.on("error", (error) => {
        request.log.warn({ err: error }, "websocket error");
        handle.closed();
      });
    },
  );
};

function adapt(socket: WebSocket): RelaySocket {
  return {
    send: (frame) => {
      if (socket.readyState === socket.OPEN) socket.send(frame);
    },
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
    ping: () => {
      if (socket.readyState === socket.OPEN) socket.ping();
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
  };
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

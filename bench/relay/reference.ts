/**
 * The reference relay for `npm run bench`: `@y/websocket-server` (the y-websocket server for
 * yjs 13) as its README runs it, a bare http server whose upgrades go to `setupWSConnection`.
 * No persistence, no auth, no compression. Listens on HOST:PORT (PORT=0: any free port) and
 * prints `reference listening on port <port>`.
 */
import http from "node:http";
import { setupWSConnection } from "@y/websocket-server/utils";
import { WebSocketServer } from "ws";
import { serve } from "./serve.ts";

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
wss.on("connection", setupWSConnection);

const server = http.createServer((_request, response) => {
  response.writeHead(200, { "content-type": "text/plain" });
  response.end("reference y-websocket server\n");
});
server.on("upgrade", (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
});
serve(server, "reference", () => {
  for (const client of wss.clients) client.terminate();
});

/**
 * The reference relay for `npm run bench`: `@y/websocket-server` (the y-websocket server for
 * yjs 13) as its README runs it, a bare http server whose upgrades go to `setupWSConnection`.
 * No persistence, no auth, no compression. Listens on HOST:PORT (PORT=0: any free port) and
 * prints `reference listening on port <port>`.
 */
import http from "node:http";
import { setupWSConnection } from "@y/websocket-server/utils";
import { WebSocketServer } from "ws";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? "0");

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
wss.on("connection", setupWSConnection);

const server = http.createServer((_request, response) => {
  response.writeHead(200, { "content-type": "text/plain" });
  response.end("reference y-websocket server\n");
});
server.on("upgrade", (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
});
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === "object" && address !== null ? address.port : port;
  console.log(`reference listening on port ${actual}`);
});

const stop = () => {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

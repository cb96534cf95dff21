import type { Server } from "node:net";

/**
 * Runs a bench server as its own process: listens on HOST:PORT (PORT=0: any free port), prints
 * `<name> listening on port <port>` (what `servers.ts` waits for), and on SIGTERM or SIGINT runs
 * `beforeClose` (dropping what keeps the server open), then closes it and exits.
 */
export function serve(server: Server, name: string, beforeClose: () => void = () => {}): void {
  const host = process.env.HOST ?? "127.0.0.1";
  const port = Number(process.env.PORT ?? "0");
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === "object" && address !== null ? address.port : port;
    console.log(`${name} listening on port ${actual}`);
  });
  const stop = () => {
    beforeClose();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

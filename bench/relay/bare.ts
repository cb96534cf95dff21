/**
 * The bare relay as a process, like the reference (`reference.ts`): listens on HOST:PORT (PORT=0:
 * any free port) and prints `bare relay listening on port <port>`. See `bareRelay.ts`.
 */
import { createBareRelay } from "./bareRelay.ts";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? "0");

const server = createBareRelay();
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === "object" && address !== null ? address.port : port;
  console.log(`bare relay listening on port ${actual}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

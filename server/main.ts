import { CloseCode } from "../shared/closeCodes.ts";
import { buildApp } from "./app.ts";
import { ConfigError, lanAddress, loadConfig } from "./config.ts";
import { DataDirInUseError } from "./store/dataDirLock.ts";

/** Boots Samla, prints where to reach it, and shuts down without losing a note. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    config = loadConfig();
    app = await buildApp({ config });
  } catch (error) {
    // What the person starting Samla can fix: said plainly, no stack.
    if (error instanceof ConfigError || error instanceof DataDirInUseError) {
      console.error(`Samla cannot start: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  await app.listen({ port: config.port, host: config.host });
  const port = app.server.address();
  const actualPort = typeof port === "object" && port !== null ? port.port : config.port;
  const lan = lanAddress();
  console.log(`\nSamla is running.
  On this computer:   http://localhost:${actualPort}
  On the network:     ${lan ? `http://${lan}:${actualPort}` : "(no network address found)"}
  Join links point at ${config.publicUrl}
  Data is stored in   ${config.dataDir}\n`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down");
    // Clients reconnect on both codes; 1012 says we are coming back.
    await app.relay.close(signal === "SIGTERM" ? CloseCode.ServiceRestart : CloseCode.GoingAway);
    await app.close();
    process.exit(0);
  };
  process.on("SIGTERM", (signal) => void stop(signal));
  process.on("SIGINT", (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  console.error("Samla failed to start:", error);
  process.exit(1);
});

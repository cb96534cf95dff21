import { onTestFinished } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { once } from "./eventually.ts";
import type { TestServer } from "./server.ts";

export interface TestClient {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Resolves when the first sync with the server completed. */
  synced(): Promise<void>;
  /** Resolves with the close code once the server closes this client for good (44xx). */
  refused(): Promise<number>;
  /** Every close code the server sent, in order. */
  readonly closeCodes: number[];
  destroy(): void;
}

export interface ClientOptions {
  /** Start from an existing document (an offline tablet's copy). */
  readonly doc?: Y.Doc;
  readonly connect?: boolean;
}

// Each provider in Node adds a process "exit" listener; tests open dozens at once.
process.setMaxListeners(Math.max(process.getMaxListeners(), 200));

/**
 * A stock y-websocket `WebsocketProvider` (the one tablets use), with `ws` as its WebSocket,
 * on one document of a test server. Destroyed when the test finishes.
 */
export function connectClient(
  server: Pick<TestServer, "syncUrl">,
  docName: string,
  token: string,
  options: ClientOptions = {},
): TestClient {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(server.syncUrl, docName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    // In one process the broadcast channel would sync clients without the server: keep it out.
    disableBc: true,
    connect: options.connect ?? true,
    maxBackoffTime: 200,
  });
  const closeCodes: number[] = [];
  provider.on("connection-close", (event) => {
    if (event) closeCodes.push(event.code);
  });
  const refused = new Promise<number>((resolve) => {
    provider.on("closed", (event) => resolve(event.code));
  });
  // Unobserved refusals must not fail the test run.
  refused.catch(() => {});
  const client: TestClient = {
    doc,
    provider,
    closeCodes,
    async synced() {
      if (provider.synced) return;
      await once(provider, "sync");
    },
    refused: () => refused,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
  onTestFinished(() => client.destroy());
  return client;
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { onTestFinished } from "vitest";
import { buildApp, type Timeouts } from "../../server/app.ts";
import { type Config, loadConfig } from "../../server/config.ts";
import type { CreateWorkshopRequest, CreateWorkshopResponse, JoinResponse } from "../../shared/api.ts";

export interface TestServer {
  readonly app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/sync`, the provider's server URL. */
  readonly syncUrl: string;
  readonly dataDir: string;
  /** Stops the server (keeping its data) and starts a new one on the same data directory. */
  restart(): Promise<TestServer>;
  stop(): Promise<void>;
  /** `fetch` against this server, JSON in and out. */
  request(method: string, pathname: string, options?: RequestOptions): Promise<TestResponse>;
  createWorkshop(body?: Partial<CreateWorkshopRequest>): Promise<CreateWorkshopResponse>;
  join(code: string): Promise<JoinResponse>;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** A raw body, sent as is (for malformed JSON). */
  readonly rawBody?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export interface StartOptions {
  /** Reuse a data directory (restarts); otherwise a fresh temporary one, removed afterwards. */
  readonly dataDir?: string;
  readonly env?: Record<string, string>;
  /** The built web app to serve (browser tests: `dist/client`); null (default) serves a placeholder. */
  readonly clientRoot?: string | null;
  /** Shorter deadlines against slow and vanished clients (`buildApp`'s `timeouts`). */
  readonly timeouts?: Partial<Timeouts>;
}

/**
 * A real Samla server on 127.0.0.1, port 0, with real SQLite in a temporary directory.
 * It stops and its directory is removed when the test finishes.
 */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "samla-test-"));
  const config: Config = {
    ...loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "silent", ...options.env }),
    publicUrl: "http://samla.test",
    unloadGraceMs: Number(options.env?.UNLOAD_GRACE_MS ?? 50),
  };
  const app = await buildApp({
    config,
    clientRoot: options.clientRoot ?? null,
    logger: false,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("server has no port");
  const url = `http://127.0.0.1:${address.port}`;
  let stopped = false;

  const server: TestServer = {
    app,
    url,
    syncUrl: `ws://127.0.0.1:${address.port}/sync`,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
    },
    async restart() {
      await server.stop();
      return startServer({ ...options, dataDir });
    },
    request: (method, pathname, requestOptions = {}) => send(url, method, pathname, requestOptions),
    async createWorkshop(body = {}) {
      const response = await server.request("POST", "/api/workshops", {
        body: { title: "Testdag", ...body },
      });
      if (response.status !== 201) throw new Error(`create workshop: ${response.status} ${response.text}`);
      return response.body as CreateWorkshopResponse;
    },
    async join(code) {
      const response = await server.request("POST", "/api/join", { body: { code } });
      if (response.status !== 200) throw new Error(`join: ${response.status} ${response.text}`);
      return response.body as JoinResponse;
    },
  };
  onTestFinished(async () => {
    await server.stop();
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return server;
}

async function send(
  base: string,
  method: string,
  pathname: string,
  options: RequestOptions,
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers["content-type"] ??= "application/json";
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${base}${pathname}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === "" ? null : JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import { ErrorCode } from "../shared/api.ts";
import type { Config } from "./config.ts";
import { errorBody, installErrorHandlers } from "./http/errors.ts";
import { installSecurityHeaders, redactUrl, setSecurityHeaders } from "./http/security.ts";
import { Relay } from "./relay/relay.ts";
import { archiveRoutes } from "./routes/archive.ts";
import { clientRoutes } from "./routes/client.ts";
import { documentRoutes } from "./routes/documents.ts";
import { exportRoutes } from "./routes/export.ts";
import { healthRoutes } from "./routes/health.ts";
import { joinRoutes } from "./routes/join.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { syncRoutes } from "./routes/sync.ts";
import { tableRoutes } from "./routes/tables.ts";
import { workshopRoutes } from "./routes/workshops.ts";
import { openSqliteStore } from "./store/sqlite.ts";
import type { Store } from "./store/store.ts";
import { scheduleRetention } from "./workshops/retention.ts";

declare module "fastify" {
  interface FastifyInstance {
    config: Config;
    store: Store;
    relay: Relay;
  }
}

export interface AppOptions {
  readonly config: Config;
  /** Defaults to SQLite under `config.dataDir`. The app closes it when it closes. */
  readonly store?: Store;
  /** The built web app; defaults to `dist/client`, null serves a placeholder. */
  readonly clientRoot?: string | null;
  /** Fastify's logger option; defaults to JSON logs at `config.logLevel`. */
  readonly logger?: FastifyServerOptions["logger"];
  /** Deadlines against slow, stuck and vanished clients; tests shorten them. */
  readonly timeouts?: Partial<Timeouts>;
}

/** Deadlines against slow, stuck and vanished clients (slowloris, dead Wi-Fi, readers that never read). */
export interface Timeouts {
  /** A request's headers must be in within this; so must the first bytes of a connection that sends nothing. */
  readonly headersMs: number;
  /** A whole request, body included: room for a 20 MiB archive import over a slow uplink. */
  readonly requestMs: number;
  /** An idle keep-alive connection between requests; longer than common proxies' 60 s idle timeout. */
  readonly keepAliveMs: number;
  /** Sync sockets are pinged this often; one that did not answer the previous ping is terminated. */
  readonly heartbeatMs: number;
  /** A sync socket we closed must finish its close handshake within this, or it is terminated. */
  readonly closeHandshakeMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  headersMs: 10_000,
  requestMs: 60_000,
  keepAliveMs: 72_000,
  heartbeatMs: 30_000,
  closeHandshakeMs: 5_000,
};

const HERE = path.dirname(fileURLToPath(import.meta.url));
/**
 * The built web app: `dist/client`, next to `dist/server` when this runs as `dist/server/main.js`
 * (`npm run build`, as `npm start` runs it), or from `server/app.ts` (development, tests).
 */
const DEFAULT_CLIENT_ROOT = path.resolve(
  HERE,
  path.basename(HERE) === "server" && path.basename(path.dirname(HERE)) === "dist"
    ? "../client"
    : "../dist/client",
);
const API_BODY_LIMIT = 64 * 1024;

/** Malformed URLs and over-long path parameters get our error shape, not Fastify's own. */
function sendFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
  setSecurityHeaders(reply);
  void reply
    .status(tooLong ? 414 : 400)
    .send(
      errorBody(
        ErrorCode.InvalidParams,
        tooLong ? "A part of the URL is too long." : "The URL is malformed.",
      ),
    );
}

/** Builds the whole app (API, relay, web app) without listening, so tests can start it on port 0. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      serializers: {
        req: (request) => ({ method: request.method, url: redactUrl(request.url), remote: request.ip }),
      },
    },
    bodyLimit: API_BODY_LIMIT,
    // Refuse, don't repair: unknown fields and wrong types are errors, not something to coerce.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
    },
    forceCloseConnections: true,
    frameworkErrors: sendFrameworkError,
    // Node closes a request whose headers or body dribble in too slowly (408), checked this often;
    // its default check every 30 s would let a slow request live up to 40 s instead of 10.
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(timeouts.headersMs / 4))),
    },
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const store = options.store ?? openOwnStore(config.dataDir, app.log);
  const relay = new Relay({
    store,
    log: app.log,
    unloadGraceMs: config.unloadGraceMs,
    maxBacklogBytes: config.maxMessageBytes * 2,
    maxAwarenessStateChars: 8 * 1024,
    compactAfter: 500,
    maxConnectionsPerToken: config.maxConnectionsPerToken,
    maxDocBytes: config.maxDocBytes,
    heartbeatMs: timeouts.heartbeatMs,
    closeHandshakeMs: timeouts.closeHandshakeMs,
  });
  app.decorate("config", config);
  app.decorate("store", store);
  app.decorate("relay", relay);
  const stopRetention =
    config.retentionDays === null ? null : scheduleRetention(store, relay, config.retentionDays, app.log);
  app.addHook("onClose", async () => {
    stopRetention?.();
    await relay.close(1001);
    await store.close();
  });

  // The API speaks JSON only. Fastify also parses text/plain by default, a content type any
  // web page can send cross-site without a preflight: refuse it everywhere (415).
  app.removeContentTypeParser("text/plain");
  installSecurityHeaders(app);
  installErrorHandlers(app);
  await app.register(fastifyWebsocket, { options: { maxPayload: config.maxMessageBytes } });
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(workshopRoutes);
  await app.register(joinRoutes);
  await app.register(tableRoutes);
  await app.register(archiveRoutes);
  await app.register(exportRoutes);
  await app.register(documentRoutes);
  await app.register(syncRoutes);
  await app.register(clientRoutes, {
    root: options.clientRoot === undefined ? DEFAULT_CLIENT_ROOT : options.clientRoot,
  });
  return app;
}

/** The server's own store: the one process with the data directory's append log. */
function openOwnStore(dataDir: string, log: FastifyBaseLogger): Store {
  const store = openSqliteStore({ dataDir, appendLog: true });
  if (store.orphanedOnOpen > 0) {
    log.warn(
      { records: store.orphanedOnOpen },
      "the append log held updates of workshops that no longer exist; they were left out",
    );
  }
  return store;
}

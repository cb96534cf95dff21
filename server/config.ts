import { networkInterfaces } from "node:os";
import path from "node:path";

/** Everything the server reads from its environment, validated once at boot. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Where join links and QR codes point; no trailing slash. */
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly retentionDays: number | null;
  readonly maxMessageBytes: number;
  /** Sync connections one token may have open at once, across the whole server. */
  readonly maxConnectionsPerToken: number;
  /** The stored size (bytes of the snapshot and log) a document may reach; writes past it are refused. */
  readonly maxDocBytes: number;
  readonly logLevel: LogLevel;
  /** How long an empty document stays in memory. */
  readonly unloadGraceMs: number;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the configuration; throws `ConfigError` naming the variable for any bad value. */
export function loadConfig(env: Env = process.env): Config {
  if (nonEmpty(env.DATABASE_URL)) {
    throw new ConfigError(
      "DATABASE_URL is set, but this version of Samla stores data only in SQLite (DATA_DIR). Unset DATABASE_URL.",
    );
  }
  if (nonEmpty(env.REDIS_URL)) {
    throw new ConfigError(
      "REDIS_URL is set, but this version of Samla runs as a single process. Unset REDIS_URL.",
    );
  }
  const port = integer(env, "PORT", 8080, 0, 65_535);
  const host = nonEmpty(env.HOST) ? env.HOST.trim() : "0.0.0.0";
  return {
    port,
    host,
    publicUrl: publicUrl(env.PUBLIC_URL, port),
    dataDir: path.resolve(nonEmpty(env.DATA_DIR) ? env.DATA_DIR : "./data"),
    retentionDays: nonEmpty(env.RETENTION_DAYS) ? integer(env, "RETENTION_DAYS", 0, 1, 36_500) : null,
    maxMessageBytes: integer(env, "MAX_MESSAGE_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
    // A facilitator opens ~45 documents on each of ~3 devices; a table token a few per tablet.
    maxConnectionsPerToken: integer(env, "MAX_CONNECTIONS_PER_TOKEN", 256, 1, 100_000),
    // A table's whole day is well under 1 MiB; the floor leaves room for a workshop's setup.
    maxDocBytes: integer(env, "MAX_DOC_BYTES", 16 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    logLevel: logLevel(env.LOG_LEVEL),
    unloadGraceMs: integer(env, "UNLOAD_GRACE_MS", 10_000, 0, 3_600_000),
  };
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (!nonEmpty(raw)) return fallback;
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw.trim());
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function logLevel(raw: string | undefined): LogLevel {
  if (!nonEmpty(raw)) return "info";
  const level = LOG_LEVELS.find((candidate) => candidate === raw.trim().toLowerCase());
  if (level === undefined) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  return level;
}

function publicUrl(raw: string | undefined, port: number): string {
  if (!nonEmpty(raw)) return `http://${lanAddress() ?? "localhost"}:${port}`;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`PUBLIC_URL must start with http:// or https://, got ${JSON.stringify(raw)}`);
  }
  // Links are `${PUBLIC_URL}/join/<code>`: a query or fragment would swallow the path, and
  // credentials would be printed on every join card. (Not echoed: it may hold a password.)
  if (
    url.username !== "" ||
    url.password !== "" ||
    url.search !== "" ||
    url.hash !== "" ||
    /[?#]/.test(raw)
  ) {
    throw new ConfigError("PUBLIC_URL must be a base URL without credentials, query or fragment");
  }
  return url.toString().replace(/\/+$/, "");
}

/** The first non-internal IPv4 address: what tablets on the venue network can reach. */
export function lanAddress(): string | null {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  return null;
}

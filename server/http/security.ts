import type { FastifyInstance, FastifyReply } from "fastify";

/**
 * Nothing leaves the host: every page may load and connect only to its own origin,
 * and no page may be framed by another site.
 */
const HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", async (_request, reply, payload) => {
    setSecurityHeaders(reply);
    return payload;
  });
}

/** For replies that skip the hooks (Fastify's own URL errors). */
export function setSecurityHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(HEADERS)) reply.header(name, value);
}

/** Query parameters whose values are secrets (compared case-insensitively, after decoding). */
const SECRET_PARAMS: ReadonlySet<string> = new Set(["token", "key", "code"]);

/**
 * Tokens travel as `?token=` on the WebSocket and join codes in `/join/<code>`: neither may
 * reach a log line, where anyone reading the logs could use them. Parameter names are compared
 * decoded, as the query parser sees them (`?%74oken=` is `token` to the relay).
 */
export function redactUrl(url: string): string {
  const withoutFragment = url.replace(/#[\s\S]*$/, "");
  const queryAt = withoutFragment.indexOf("?");
  const pathname = queryAt === -1 ? withoutFragment : withoutFragment.slice(0, queryAt);
  const redactedPath = pathname.replace(/^(\/join\/)[^/]+/i, "$1[redacted]");
  if (queryAt === -1) return redactedPath;
  const query = withoutFragment
    .slice(queryAt + 1)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      if (equals === -1) return pair;
      const name = pair.slice(0, equals);
      return SECRET_PARAMS.has(decodedName(name)) ? `${name}=[redacted]` : pair;
    })
    .join("&");
  return `${redactedPath}?${query}`;
}

function decodedName(raw: string): string {
  const plain = raw.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plain).toLowerCase();
  } catch {
    return plain.toLowerCase();
  }
}

import type { FastifyInstance } from "fastify";

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
    for (const [name, value] of Object.entries(HEADERS)) reply.header(name, value);
    return payload;
  });
}

/**
 * Tokens travel as `?token=` on the WebSocket and join codes in `/join/<code>`: neither may
 * reach a log line, where anyone reading the logs could use them.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/#.*$/, "")
    .replace(/([?&](?:token|key|code)=)[^&]*/gi, "$1[redacted]")
    .replace(/^(\/join\/)[^/?]+/i, "$1[redacted]");
}

/**
 * Cross-site WebSocket hijacking: browsers let any page open a WebSocket to any host, sending
 * the page's `Origin`. A sync upgrade is allowed when there is no `Origin` (not a browser: the
 * Node provider, tests, tools) or when it is the server's own origin — the `Host` the request
 * was sent to, or the configured `PUBLIC_URL` (a TLS proxy may rewrite the scheme or port).
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  publicUrl: string,
): boolean {
  if (origin === undefined) return true;
  const page = parseOrigin(origin);
  // "null" (sandboxed frames, file://) and anything unparsable are some other site.
  if (page === null) return false;
  if (sameOrigin(page, publicUrl)) return true;
  if (host === undefined || host === "" || /[/?#@\\\s]/.test(host)) return false;
  // The page's scheme decides the default port: `https://samla.example` matches Host `samla.example`
  // and `samla.example:443`, `http://…:8080` matches Host `…:8080` (a wss/ws upgrade from that page).
  try {
    return new URL(`${page.protocol}//${host}`).host === page.host;
  } catch {
    return false;
  }
}

function parseOrigin(raw: string): URL | null {
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url;
  } catch {
    return null;
  }
}

function sameOrigin(page: URL, publicUrl: string): boolean {
  try {
    return new URL(publicUrl).origin === page.origin;
  } catch {
    return false;
  }
}

import { existsSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";
import { ErrorCode } from "../../shared/api.ts";
import { errorBody } from "../http/errors.ts";

export interface ClientOptions {
  /** The built web app (`vite build`), or null to serve a note that it is not built. */
  readonly root: string | null;
}

/** Paths the web app routes itself: a reload there must get the app, not a 404. */
const APP_ROUTES = /^\/(join|w|new)(\/|$)|^\/$/;

/** Serves the built web app, and answers unknown paths (JSON under /api, the app elsewhere). */
export const clientRoutes: FastifyPluginAsync<ClientOptions> = async (app, options) => {
  const root =
    options.root !== null && existsSync(path.join(options.root, "index.html")) ? options.root : null;
  if (root !== null) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: ["index.html"],
      // The build writes brotli and gzip copies (scripts/precompress.ts): a tablet on the venue's
      // Wi-Fi loads ≈ 105 KB of scripts instead of ≈ 390 KB, and nothing is compressed per request.
      preCompressed: true,
      // The copies are not routes of their own: `x.js.br` is only ever `x.js`, compressed.
      globIgnore: ["**/*.br", "**/*.gz"],
      // A cache between the venue and the server must not hand brotli to a client that asked for none.
      setHeaders: (response) => response.setHeader("vary", "accept-encoding"),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split("?")[0] ?? "/";
    if ((request.method === "GET" || request.method === "HEAD") && APP_ROUTES.test(pathname)) {
      if (root !== null) return reply.type("text/html").sendFile("index.html");
      return reply.type("text/html").send(NOT_BUILT);
    }
    return reply
      .status(404)
      .send(errorBody(ErrorCode.NotFound, `No route for ${request.method} ${pathname}.`));
  });
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Samla</title></head>
<body><main><h1>Samla</h1><p>The web app is not built yet. Run <code>npm run build</code>, or start with <code>npm start</code>.</p></main></body></html>`;

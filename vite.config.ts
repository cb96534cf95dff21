import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompress } from "./scripts/precompress.ts";

const serverPort = Number(process.env.PORT ?? 8080);

export default defineConfig({
  root: "client",
  // Brotli and gzip copies of the build, sent as they are (server/routes/client.ts).
  plugins: [react(), precompress()],
  build: {
    outDir: "../dist/client",
    emptyOutDir: true,
    // `.vite/manifest.json`: which chunks each route loads, for the bundle budget
    // (test/integration/bundle.test.ts). The static server does not serve dotfiles.
    manifest: true,
  },
  server: {
    // In development the Fastify server serves the API and the relay; Vite proxies to it.
    proxy: {
      "/api": `http://localhost:${serverPort}`,
      "/healthz": `http://localhost:${serverPort}`,
      "/sync": { target: `ws://localhost:${serverPort}`, ws: true },
    },
  },
});

import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    // Integration tests start real servers and SQLite files; two workers match the two cores.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
          // The long versions run in `npm run soak` (vitest.soak.config.ts).
          exclude: [...configDefaults.exclude, "test/browser/**", "test/soak/**"],
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        // Real Chromium against a real server serving `dist/client` (test/browser/harness.ts).
        extends: true,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 30_000,
          // A page reacts within milliseconds, but a reconnect after an outage may take seconds.
          expect: { poll: { timeout: 10_000, interval: 50 } },
        },
      },
    ],
  },
});

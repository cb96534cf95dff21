import { defineConfig } from "vitest/config";

/**
 * `npm run soak`: the reliability scenarios of test/scenarios at full size (minutes, not seconds).
 * One file at a time, so each has both cores and its timings mean something; see docs/reliability.md.
 */
export default defineConfig({
  test: {
    name: "soak",
    environment: "node",
    include: ["test/soak/**/*.test.ts"],
    // The soak files are guarded by this, so the default `vitest run` (which sees test/**) skips them.
    env: { SAMLA_SOAK: "1" },
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});

import { describe, expect, it } from "vitest";
import { runConvergence } from "../scenarios/convergence.ts";

/**
 * Small size of the convergence scenario (test/scenarios/convergence.ts); `npm run soak` runs
 * 100 seeds with more peers and operations. A seed that ever fails is pinned below as its own
 * test, named after what it found.
 */
const SEEDS = [1, 2, 3, 4, 5];
const PINNED: readonly { readonly seed: number; readonly found: string }[] = [];
const SIZE = { peers: 6, documents: 2, ops: 200, toggleChance: 0.05, maxNotes: 12 } as const;

describe("convergence of random edits with disconnects", () => {
  for (const seed of SEEDS) {
    it(`converges: seed ${seed} (${SIZE.peers} peers, ${SIZE.ops} ops)`, async () => {
      const result = await runConvergence({ seed, ...SIZE });
      console.info(
        `convergence seed ${seed}: ${result.ops} ops (${result.offlineOps} offline, ${result.disconnects} disconnects), ` +
          `${result.notes} notes at the end, ${Math.round(result.elapsedMs)} ms`,
      );
      expect(result.disconnects).toBeGreaterThan(0);
    });
  }
  for (const { seed, found } of PINNED) {
    it(`converges: seed ${seed} (pinned: ${found})`, async () => {
      await runConvergence({ seed, ...SIZE });
    });
  }
});

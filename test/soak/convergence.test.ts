import { afterAll, describe, expect, it } from "vitest";
import { type ConvergenceResult, runConvergence } from "../scenarios/convergence.ts";
import { report, SOAK } from "./soak.ts";

/** 100 seeds, more peers and operations than `npm test`; a failing seed gets pinned in test/integration/convergence.test.ts. */
const SEEDS = Array.from({ length: 100 }, (_, i) => 1_000 + i);
const SIZE = { peers: 10, documents: 3, ops: 800, toggleChance: 0.04, maxNotes: 20 } as const;

describe.runIf(SOAK)("soak: convergence", () => {
  const results: ConvergenceResult[] = [];
  for (const seed of SEEDS) {
    it(`converges: seed ${seed}`, async () => {
      const result = await runConvergence({ seed, ...SIZE });
      results.push(result);
      expect(result.ops).toBe(SIZE.ops);
    }, 60_000);
  }
  afterAll(() => {
    const sum = (pick: (r: ConvergenceResult) => number) => results.reduce((total, r) => total + pick(r), 0);
    report(
      `convergence: ${results.length}/${SEEDS.length} seeds converged (${SEEDS[0]}–${SEEDS.at(-1)}), ` +
        `${SIZE.peers} peers on ${SIZE.documents} documents, ${sum((r) => r.ops)} ops in all ` +
        `(${sum((r) => r.offlineOps)} offline, ${sum((r) => r.disconnects)} disconnects), ` +
        `${(sum((r) => r.elapsedMs) / 1000).toFixed(0)} s`,
    );
  });
});

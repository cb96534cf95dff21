import { expect, it } from "vitest";
import { MiB } from "../scenarios/harness.ts";
import { runReconnectStorm } from "../scenarios/reconnectStorm.ts";

/** Small size of the storm scenario (test/scenarios/reconnectStorm.ts); `npm run soak` runs 300 clients. */
it("100 clients reconnecting at once after a restart all come back and converge; nothing stays after they leave", async () => {
  const result = await runReconnectStorm({
    clients: 100,
    documents: 20,
    storms: 1,
    leaveCycles: 3,
    // Measured: +1.5 MiB at the first leave (compiled code, pools), then +0.1 to +0.3 MiB more over
    // the next two; everything the 100 clients held on the server is 1.8 MiB per cycle.
    heapWarmupBytes: 4 * MiB,
    heapGrowthBytes: 1 * MiB,
    rssFactor: 1.5,
    rssExtraBytes: 30 * MiB,
    log: (line) => console.info(line),
  });
  expect(result.rounds).toHaveLength(1);
  expect(result.leaves).toHaveLength(3);
}, 90_000);

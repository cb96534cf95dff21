import { expect, it } from "vitest";
import { MiB } from "../scenarios/harness.ts";
import { runReconnectStorm } from "../scenarios/reconnectStorm.ts";

/** Small size of the storm scenario (test/scenarios/reconnectStorm.ts); `npm run soak` runs 300 clients. */
it("100 clients reconnecting at once after a restart all come back and converge; memory returns", async () => {
  const result = await runReconnectStorm({
    clients: 100,
    documents: 20,
    storms: 1,
    rssFactor: 1.5,
    rssExtraBytes: 30 * MiB,
    log: (line) => console.info(line),
  });
  expect(result.rounds).toHaveLength(1);
}, 60_000);

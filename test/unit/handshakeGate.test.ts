import { expect, it } from "vitest";
import { acquireHandshake } from "../../client/src/sync/handshakeGate.ts";

it("lets four handshakes start at once, the next when one is released, and ignores double releases", async () => {
  const started: number[] = [];
  const releases: (() => void)[] = [];
  const turns = Array.from({ length: 6 }, (_, i) =>
    acquireHandshake().then((release) => {
      started.push(i);
      releases[i] = release;
    }),
  );
  await Promise.all(turns.slice(0, 4));
  expect(started).toEqual([0, 1, 2, 3]);
  releases[0]?.();
  releases[0]?.();
  await turns[4];
  // A second release of the same turn must not let a sixth in.
  await Promise.resolve();
  expect(started).toEqual([0, 1, 2, 3, 4]);
  releases[1]?.();
  await turns[5];
  expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  for (const release of releases.slice(2)) release?.();
});

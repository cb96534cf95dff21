import { describe, expect, it } from "vitest";
import {
  breakdownTable,
  CATEGORIES,
  type CpuBreakdown,
  categorize,
  OTHER,
  RELAYING,
} from "../../bench/relay/cpuSampling.ts";

// Stacks as `perf script -F ip,sym,dso` prints them, innermost frame first.
const SEND = "7f95ce0fb22d JS:*send file:///srv/dist/server/http/wsRelaySocket.js:25:9 (/tmp/perf-1.map)";
const WS_SEND = "7f95ce0fb22d JS:*send /srv/node_modules/ws/lib/sender.js:354:7 (/tmp/perf-1.map)";
const TCP = "ffffffff81a0 tcp_sendmsg_locked ([kernel.kallsyms])";
const SQLITE = "5a3e sqlite3VdbeExec (/srv/node_modules/better-sqlite3/build/Release/better_sqlite3.node)";
const COMMIT = "7f95 JS:^flush file:///srv/dist/server/store/groupCommit.js:28:10 (/tmp/perf-1.map)";
const YJS = "7f95 JS:*transact file:///srv/node_modules/yjs/dist/yjs.mjs:3400:18 (/tmp/perf-1.map)";
const LIB0 = "7f95 JS:*readVarUint file:///srv/node_modules/lib0/decoding.js:1:1 (/tmp/perf-1.map)";
const RECEIVE = "7f95 JS:*_write /srv/node_modules/ws/lib/receiver.js:96:9 (/tmp/perf-1.map)";
const BARE_SEND = "7f95 JS:*broadcast file:///srv/dist/bench/bench/relay/bareRelay.js:90:1 (/tmp/perf-1.map)";
const READ = "7f95 JS:*onStreamRead node:internal/stream_base_commons:168:22 (/tmp/perf-1.map)";
const EPOLL = "ffffffff81b0 __x64_sys_epoll_pwait ([kernel.kallsyms])";
const SCAVENGE = "f36c4c v8::internal::ScavengerCollector::CollectGarbage (/usr/bin/node)";
const DRAIN = "7f95 JS:*drain file:///srv/dist/server/relay/room.js:153:16 (/tmp/perf-1.map)";
const PRESENCE = "7f95 JS:*apply file:///srv/dist/server/relay/presence.js:40:3 (/tmp/perf-1.map)";

const WRITING = CATEGORIES[0].name;
const STORING = CATEGORIES[1].name;
const Y = CATEGORIES[2].name;
const AWARENESS = CATEGORIES[3].name;
const READING = CATEGORIES[4].name;
const WAITING = CATEGORIES[5].name;
const GC = CATEGORIES[6].name;

describe("categorize", () => {
  it.each([
    ["Samla's direct write, in the kernel", [TCP, SEND, DRAIN], WRITING],
    // The reference sends from inside Yjs's update event: the send wins.
    ["the reference's send inside a Yjs transaction", [TCP, WS_SEND, YJS, RECEIVE], WRITING],
    ["the bare relay's send, inside its socket's read", [BARE_SEND, READ], WRITING],
    ["a send inlined into an unnamed frame, in the kernel", [TCP, DRAIN, READ], WRITING],
    ["SQLite's own code", [SQLITE, COMMIT], STORING],
    ["the group commit's JavaScript", [COMMIT], STORING],
    ["applying an update", [YJS, DRAIN], Y],
    ["lib0's decoder", [LIB0, DRAIN], Y],
    ["presence", [PRESENCE, DRAIN], AWARENESS],
    ["ws's receiver (the reference applies inside it)", [RECEIVE], READING],
    ["epoll", [EPOLL], WAITING],
    ["a scavenge", [SCAVENGE, DRAIN], GC],
    ["the relay's own code", [DRAIN], OTHER],
    ["no frames", [], OTHER],
  ])("%s", (_, frames, expected) => {
    expect(categorize(frames)).toBe(expected);
  });
});

describe("breakdownTable", () => {
  const breakdown = (counts: Record<string, [all: number, kernel: number]>): CpuBreakdown => {
    const byCategory = new Map<string, number>();
    const kernelByCategory = new Map<string, number>();
    let samples = 0;
    for (const [name, [all, kernel]] of Object.entries(counts)) {
      byCategory.set(name, all);
      kernelByCategory.set(name, kernel);
      samples += all;
    }
    return { samples, byCategory, kernelByCategory };
  };

  it("splits each server's CPU per delivery by its samples, and compares the kernel's writes with the other's whole", () => {
    const table = breakdownTable("t", [
      {
        label: "A",
        breakdown: breakdown({ [WRITING]: [50, 40], [OTHER]: [50, 0] }),
        cpuPerDeliveryUs: 20,
      },
      {
        label: "B",
        breakdown: breakdown({ [WRITING]: [80, 60], [OTHER]: [20, 10] }),
        cpuPerDeliveryUs: 10,
      },
    ]);
    const row = (label: string) => table.rows.find((r) => r.label === label)?.cells;
    // % of samples, µs per delivery, of which kernel: A then B.
    expect(row(WRITING)).toEqual([
      { value: 50, digits: 1 },
      { value: 10, digits: 1 },
      { value: 8, digits: 1 },
      { value: 80, digits: 1 },
      { value: 8, digits: 1 },
      { value: 6, digits: 1 },
    ]);
    expect(row("all")?.[1]).toEqual({ value: 20, digits: 1 });
    expect(row("all")?.[5]).toEqual({ value: 7, digits: 1 });
    expect(table.notes.at(-2)).toContain("A 8.0 µs per delivery, B 6.0 µs; that is 0.80× the B's whole");
  });

  it("bounds the ratio from below by what every relay does (writing, Yjs, reading, epoll)", () => {
    const [writing, storing, yjs, presence, reading, epoll] = CATEGORIES.map((c) => c.name);
    const table = breakdownTable("t", [
      {
        label: "A",
        // 10 samples each of writing, Yjs, reading, epoll (40%), storing and presence 30% each.
        breakdown: breakdown({
          [writing ?? ""]: [10, 5],
          [storing ?? ""]: [30, 0],
          [yjs ?? ""]: [10, 0],
          [presence ?? ""]: [30, 0],
          [reading ?? ""]: [10, 0],
          [epoll ?? ""]: [10, 10],
        }),
        cpuPerDeliveryUs: 50,
      },
      {
        label: "B",
        breakdown: breakdown({ [writing ?? ""]: [50, 0], [OTHER]: [50, 0] }),
        cpuPerDeliveryUs: 40,
      },
    ]);
    expect(RELAYING).toEqual([writing, yjs, reading, epoll]);
    // A: 40% of 50 µs = 20 µs; B: writing only, 50% of 40 µs = 20 µs; 20 / 40 = 0.50×.
    expect(table.notes.at(-1)).toContain("A 20.0 µs, B 20.0 µs. A's alone is 0.50× the B's whole");
  });
});

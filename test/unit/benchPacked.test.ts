import { describe, expect, it } from "vitest";
import { ByteList, Inbox } from "../../bench/relay/inbox.ts";
import { seededRng } from "../../bench/relay/prng.ts";

function bytes(length: number, fill: number): Uint8Array {
  return new Uint8Array(length).fill(fill);
}

describe("the load generator's packed byte lists", () => {
  it.each([
    { name: "nothing", lengths: [] as number[] },
    { name: "one keystroke", lengths: [16] },
    { name: "empty entries among others", lengths: [0, 3, 0, 0, 5] },
    { name: "an entry larger than twice the capacity", lengths: [10, 20_000, 1] },
    {
      name: "many small entries (the index grows too)",
      lengths: Array.from({ length: 500 }, (_, i) => i % 40),
    },
  ])("ByteList keeps $name, in order", ({ lengths }) => {
    const list = new ByteList(64);
    lengths.forEach((length, i) => {
      list.push(bytes(length, i % 251));
    });
    expect(list.length).toBe(lengths.length);
    lengths.forEach((length, i) => {
      expect(list.at(i)).toEqual(bytes(length, i % 251));
    });
    expect(list.at(lengths.length)).toBeUndefined();
    expect(list.at(-1)).toBeUndefined();
  });

  it("hands out views that stay valid when the list grows (seed 11)", () => {
    const rng = seededRng(11);
    const list = new ByteList(16);
    const handedOut: { view: Uint8Array; copy: Uint8Array }[] = [];
    for (let i = 0; i < 300; i++) {
      const entry = Uint8Array.from({ length: Math.floor(rng() * 50) }, () => Math.floor(rng() * 256));
      list.push(entry);
      const view = list.at(i);
      if (view === undefined) throw new Error(`entry ${i} missing`);
      handedOut.push({ view, copy: entry });
    }
    expect(list.capacity).toBeGreaterThan(16);
    for (const { view, copy } of handedOut) expect(view).toEqual(copy);
  });

  it("copies what it is given: changing the source afterwards changes nothing", () => {
    const list = new ByteList();
    const source = bytes(4, 1);
    list.push(source);
    source.fill(9);
    expect(list.at(0)).toEqual(bytes(4, 1));
  });

  it("Inbox drains in order, once, and keeps the drained views intact while it refills", () => {
    const inbox = new Inbox();
    for (let i = 0; i < 5; i++) inbox.push(bytes(i + 1, i));
    const drained: Uint8Array[] = [];
    inbox.drain((update) => drained.push(update));
    expect(inbox.size).toBe(0);
    for (let i = 0; i < 5; i++) inbox.push(bytes(3, 200));
    expect(drained).toEqual([0, 1, 2, 3, 4].map((i) => bytes(i + 1, i)));
    let second = 0;
    inbox.drain(() => second++);
    expect(second).toBe(5);
  });
});

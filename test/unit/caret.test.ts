import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { type TextDeltaOp, transformIndex } from "../../client/src/board/caret.ts";

describe("transformIndex", () => {
  const cases: readonly [string, number, TextDeltaOp[], boolean, number][] = [
    ["insert before the caret moves it right", 5, [{ retain: 2 }, { insert: "abc" }], false, 8],
    ["insert after the caret leaves it", 2, [{ retain: 4 }, { insert: "abc" }], false, 2],
    ["insert at the caret leaves a caret", 3, [{ retain: 3 }, { insert: "xy" }], false, 3],
    ["insert at the caret moves a selection end", 3, [{ retain: 3 }, { insert: "xy" }], true, 5],
    ["insert at the start", 0, [{ insert: "hej " }], false, 0],
    ["delete before the caret moves it left", 6, [{ retain: 1 }, { delete: 2 }], false, 4],
    ["delete around the caret puts it at the cut", 4, [{ retain: 2 }, { delete: 5 }], false, 2],
    ["delete after the caret leaves it", 1, [{ retain: 3 }, { delete: 2 }], false, 1],
    ["replace before the caret", 10, [{ retain: 2 }, { delete: 3 }, { insert: "abcdef" }], false, 13],
    [
      "several ops",
      8,
      [{ insert: "A" }, { retain: 2 }, { delete: 1 }, { retain: 1 }, { insert: "BB" }],
      false,
      10,
    ],
  ];
  it.each(cases)("%s", (_label, index, delta, sticky, expected) => {
    expect(transformIndex(index, delta, sticky)).toBe(expected);
  });

  it("agrees with Yjs relative positions on random remote edits (seeded)", () => {
    let seed = 20261124;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let round = 0; round < 300; round++) {
      const doc = new Y.Doc();
      const text = doc.getText("t");
      text.insert(0, "Stuprör mellan förvaltningarna");
      const caret = Math.floor(random() * (text.length + 1));
      // assoc -1: the caret sticks to the character before it, as transformIndex does by default.
      const anchor = Y.createRelativePositionFromTypeIndex(text, caret, -1);
      let delta: TextDeltaOp[] = [];
      text.observe((event) => {
        delta = event.delta as TextDeltaOp[];
      });
      doc.transact(() => {
        const at = Math.floor(random() * (text.length + 1));
        if (random() < 0.5) text.insert(at, "åäö".slice(0, 1 + Math.floor(random() * 3)));
        else text.delete(Math.min(at, text.length - 1), Math.max(1, Math.floor(random() * 4)));
      });
      const expected = Y.createAbsolutePositionFromRelativePosition(anchor, doc)?.index;
      expect(transformIndex(caret, delta)).toBe(expected);
    }
  });
});

import { describe, expect, it } from "vitest";
import {
  type DocRef,
  docName,
  metaDoc,
  parseDocName,
  synthesisDoc,
  tableDoc,
} from "../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../shared/ids.ts";

const w = (id: string) => id as WorkshopId;
const t = (id: string) => id as TableId;
const MAX_ID = "a".repeat(64);
const TOO_LONG = "a".repeat(65);

describe("docName and parseDocName", () => {
  const ROUND_TRIPS: readonly (readonly [DocRef, string])[] = [
    [metaDoc(w("abc123")), "abc123/meta"],
    [synthesisDoc(w("abc123")), "abc123/synthesis"],
    [tableDoc(w("abc123"), t("Tb_1-x")), "abc123/table/Tb_1-x"],
    [metaDoc(w("A-_z9")), "A-_z9/meta"],
    [tableDoc(w(MAX_ID), t(MAX_ID)), `${MAX_ID}/table/${MAX_ID}`],
    [synthesisDoc(w(MAX_ID)), `${MAX_ID}/synthesis`],
    // Ids that look like the keywords are still ids.
    [tableDoc(w("meta"), t("table")), "meta/table/table"],
    [metaDoc(w("synthesis")), "synthesis/meta"],
  ];

  it.each(ROUND_TRIPS)("%o is named %s and parses back", (ref, name) => {
    expect(docName(ref)).toBe(name);
    expect(parseDocName(name)).toEqual(ref);
  });

  const REFUSED: readonly string[] = [
    "",
    "w",
    "w/",
    "/meta",
    "w/meta/",
    "w/meta/x",
    "w/synthesis/x",
    "w/table",
    "w/table/",
    "w/table/a/b",
    "w//meta",
    "w/Meta",
    "w/SYNTHESIS",
    "w/Table/a",
    "w/notes",
    "../meta",
    "./meta",
    "w/table/..",
    "w$/meta",
    "w.x/meta",
    "w x/meta",
    "w/table/a b",
    "w/table/a%2Fb",
    "wörk/meta",
    "w\u0000/meta",
    "w/meta\u0000",
    "w/meta?token=x",
    "w\\meta",
    `${TOO_LONG}/meta`,
    `${TOO_LONG}/synthesis`,
    `w/table/${TOO_LONG}`,
  ];

  it.each(REFUSED)("refuses %j", (name) => {
    expect(parseDocName(name)).toBeNull();
  });
});

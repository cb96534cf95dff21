import { describe, expect, it } from "vitest";
import { parseRoute } from "../../client/src/routes.ts";

describe("parseRoute", () => {
  it.each([
    ["/", { name: "home" }],
    ["/join/ABC234", { name: "join", code: "ABC234" }],
    ["/join/abc%20234", { name: "join", code: "abc 234" }],
    ["/w/W1/table/T1", { name: "board", workshopId: "W1", tableId: "T1" }],
    ["/w/W1/table/T1/", { name: "board", workshopId: "W1", tableId: "T1" }],
    ["/w/W$1/table/T1", { name: "notFound" }],
    ["/w/W1/table", { name: "notFound" }],
    ["/join", { name: "notFound" }],
    ["/somewhere", { name: "notFound" }],
  ])("%s", (path, expected) => {
    expect(parseRoute(path)).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { redactUrl } from "../../server/http/security.ts";

describe("redactUrl", () => {
  const SECRET = "s3cr3tTokenValue_-s3cr3tTokenValue_-1234567";

  const CASES: readonly (readonly [string, string])[] = [
    [`/sync/w1/meta?token=${SECRET}`, "/sync/w1/meta?token=[redacted]"],
    [`/sync/w1/meta?room=x&token=${SECRET}`, "/sync/w1/meta?room=x&token=[redacted]"],
    [`/sync/w1/meta?token=${SECRET}&room=x`, "/sync/w1/meta?token=[redacted]&room=x"],
    [`/x?a=1&token=${SECRET}&b=2`, "/x?a=1&token=[redacted]&b=2"],
    [`/x?TOKEN=${SECRET}`, "/x?TOKEN=[redacted]"],
    [`/x?Token=${SECRET}&KEY=${SECRET}`, "/x?Token=[redacted]&KEY=[redacted]"],
    [`/x?key=${SECRET}`, "/x?key=[redacted]"],
    [`/x?token=${SECRET}&token=${SECRET}`, "/x?token=[redacted]&token=[redacted]"],
    [`/x?token=${SECRET}#key=${SECRET}`, "/x?token=[redacted]"],
    // Fragments carry the facilitator's key; they are dropped whole.
    [`/w/abc/facilitate#key=${SECRET}`, "/w/abc/facilitate"],
    [`/w/abc/screen?lang=sv#key=${SECRET}`, "/w/abc/screen?lang=sv"],
    // Percent-encoded names are still the same parameter to the query parser.
    [`/sync/w1/meta?%74oken=${SECRET}`, "/sync/w1/meta?%74oken=[redacted]"],
    [`/sync/w1/meta?to%6Ben=${SECRET}&a=1`, "/sync/w1/meta?to%6Ben=[redacted]&a=1"],
    [`/x?%4B%45%59=${SECRET}`, "/x?%4B%45%59=[redacted]"],
    [`/x?token=${encodeURIComponent("a b&c")}`, "/x?token=[redacted]"],
    [`/x?token=`, "/x?token=[redacted]"],
    // Join codes: in the app's /join/<code> path and as a parameter.
    ["/join/ABCDEF", "/join/[redacted]"],
    ["/join/abc-def?lang=sv", "/join/[redacted]?lang=sv"],
    ["/JOIN/ABCDEF", "/JOIN/[redacted]"],
    ["/x?code=ABCDEF&lang=sv", "/x?code=[redacted]&lang=sv"],
    ["/x?Code=ABCDEF", "/x?Code=[redacted]"],
  ];

  it.each(CASES)("%s → %s", (url, expected) => {
    const redacted = redactUrl(url);
    expect(redacted).toBe(expected);
    expect(redacted).not.toContain(SECRET);
  });

  const KEPT: readonly string[] = [
    "/",
    "/healthz",
    "/api/workshops",
    "/sync/w1/table/t1",
    "/x?room=abc&lang=sv",
    // Other parameters whose names merely contain "token" or "key" are not secrets of ours.
    "/x?tokens=3&keys=4&monkey=5&mytoken=6",
    "/x?a=token&b=key",
    "/join/",
    "/api/join",
    "/x/join/ABCDEF",
  ];

  it.each(KEPT)("keeps %s as it is", (url) => {
    expect(redactUrl(url)).toBe(url);
  });

  it("redacts absolute URLs too", () => {
    expect(redactUrl(`http://samla.test/sync/w/meta?token=${SECRET}#key=${SECRET}`)).toBe(
      "http://samla.test/sync/w/meta?token=[redacted]",
    );
  });

  it("does not choke on malformed percent-encoding", () => {
    expect(redactUrl(`/x?%E0%A4%A=1&token=${SECRET}`)).toBe("/x?%E0%A4%A=1&token=[redacted]");
    expect(redactUrl("/x?%zz=1")).toBe("/x?%zz=1");
  });
});

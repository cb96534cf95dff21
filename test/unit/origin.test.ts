import { describe, expect, it } from "vitest";
import { isAllowedOrigin } from "../../server/http/origin.ts";

const PUBLIC = "https://samla.example.org";

describe("isAllowedOrigin", () => {
  const cases: [string, string | undefined, string | undefined, boolean][] = [
    ["no Origin (Node provider, tools)", undefined, "127.0.0.1:8080", true],
    ["same host and port over http", "http://127.0.0.1:8080", "127.0.0.1:8080", true],
    ["same host, case differs", "http://Samla.LOCAL:8080", "samla.local:8080", true],
    ["https on the default port", "https://venue.example", "venue.example", true],
    ["https, Host names the default port", "https://venue.example", "venue.example:443", true],
    ["http on the default port", "http://192.168.1.20", "192.168.1.20:80", true],
    ["the PUBLIC_URL origin behind a proxy", "https://samla.example.org", "127.0.0.1:8080", true],
    ["the PUBLIC_URL origin, no Host", "https://samla.example.org", undefined, true],
    ["another site", "http://evil.example", "127.0.0.1:8080", false],
    ["same host, other port", "http://127.0.0.1:9999", "127.0.0.1:8080", false],
    ["same host, other scheme's default port", "https://venue.example", "venue.example:80", false],
    ["PUBLIC_URL host over plain http", "http://samla.example.org", "127.0.0.1:8080", false],
    ["a look-alike suffix", "http://127.0.0.1:8080.evil.example", "127.0.0.1:8080", false],
    ["the null origin (sandboxed frame)", "null", "127.0.0.1:8080", false],
    ["a file page", "file://", "127.0.0.1:8080", false],
    ["garbage", "not a url", "127.0.0.1:8080", false],
    ["empty Origin", "", "127.0.0.1:8080", false],
    ["Origin present, Host missing", "http://127.0.0.1:8080", undefined, false],
    ["a Host that smuggles a path", "http://evil.example", "evil.example/x", false],
    ["a Host with credentials", "http://evil.example", "user@evil.example", false],
  ];
  it.each(cases)("%s", (_name, origin, host, allowed) => {
    expect(isAllowedOrigin(origin, host, PUBLIC)).toBe(allowed);
  });

  it("accepts the PUBLIC_URL origin even with a path in PUBLIC_URL", () => {
    expect(isAllowedOrigin("https://samla.example.org", "internal:8080", `${PUBLIC}/samla`)).toBe(true);
  });
});

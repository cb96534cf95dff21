import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, lanAddress, loadConfig } from "../../server/config.ts";

describe("loadConfig defaults", () => {
  it("uses the documented defaults for an empty environment", () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      host: "0.0.0.0",
      publicUrl: `http://${lanAddress() ?? "localhost"}:8080`,
      dataDir: path.resolve("./data"),
      retentionDays: null,
      maxMessageBytes: 1024 * 1024,
      maxConnectionsPerToken: 256,
      maxDocBytes: 16 * 1024 * 1024,
      logLevel: "info",
      unloadGraceMs: 10_000,
    });
    expect(config.publicUrl).toMatch(/^http:\/\/[^/?#]+:8080$/);
  });

  it("treats empty and blank values as unset", () => {
    const blank = loadConfig({
      PORT: "",
      HOST: "  ",
      PUBLIC_URL: "",
      DATA_DIR: " ",
      RETENTION_DAYS: "",
      MAX_MESSAGE_BYTES: "  ",
      MAX_CONNECTIONS_PER_TOKEN: "",
      MAX_DOC_BYTES: " ",
      LOG_LEVEL: "",
      DATABASE_URL: "",
      REDIS_URL: " ",
    });
    expect(blank).toEqual(loadConfig({}));
  });

  it("the default public URL follows PORT", () => {
    expect(loadConfig({ PORT: "3000" }).publicUrl).toMatch(/^http:\/\/[^/?#]+:3000$/);
  });
});

describe("loadConfig reads", () => {
  const CASES: readonly (readonly [
    string,
    Record<string, string>,
    Partial<ReturnType<typeof loadConfig>>,
  ])[] = [
    ["PORT", { PORT: "3000" }, { port: 3000 }],
    ["PORT 0 (any free port)", { PORT: "0" }, { port: 0 }],
    ["PORT 65535", { PORT: "65535" }, { port: 65_535 }],
    ["PORT with surrounding spaces", { PORT: " 8081 " }, { port: 8081 }],
    ["HOST", { HOST: "127.0.0.1" }, { host: "127.0.0.1" }],
    ["HOST with surrounding spaces", { HOST: " ::1 " }, { host: "::1" }],
    ["PUBLIC_URL", { PUBLIC_URL: "https://samla.example.org" }, { publicUrl: "https://samla.example.org" }],
    [
      "PUBLIC_URL without its trailing slash",
      { PUBLIC_URL: "https://samla.example.org/" },
      { publicUrl: "https://samla.example.org" },
    ],
    [
      "PUBLIC_URL with a path, without trailing slashes",
      { PUBLIC_URL: "http://192.168.1.20:8080/samla//" },
      { publicUrl: "http://192.168.1.20:8080/samla" },
    ],
    [
      "PUBLIC_URL with spaces around it",
      { PUBLIC_URL: " http://10.0.0.2:8080 " },
      { publicUrl: "http://10.0.0.2:8080" },
    ],
    ["DATA_DIR, resolved", { DATA_DIR: "some/dir" }, { dataDir: path.resolve("some/dir") }],
    ["RETENTION_DAYS", { RETENTION_DAYS: "30" }, { retentionDays: 30 }],
    ["RETENTION_DAYS 1", { RETENTION_DAYS: "1" }, { retentionDays: 1 }],
    ["MAX_MESSAGE_BYTES", { MAX_MESSAGE_BYTES: "2048" }, { maxMessageBytes: 2048 }],
    ["MAX_MESSAGE_BYTES at its minimum", { MAX_MESSAGE_BYTES: "1024" }, { maxMessageBytes: 1024 }],
    ["MAX_CONNECTIONS_PER_TOKEN", { MAX_CONNECTIONS_PER_TOKEN: "50" }, { maxConnectionsPerToken: 50 }],
    [
      "MAX_CONNECTIONS_PER_TOKEN at its minimum",
      { MAX_CONNECTIONS_PER_TOKEN: "1" },
      { maxConnectionsPerToken: 1 },
    ],
    [
      "MAX_CONNECTIONS_PER_TOKEN at its maximum",
      { MAX_CONNECTIONS_PER_TOKEN: "100000" },
      { maxConnectionsPerToken: 100_000 },
    ],
    ["MAX_DOC_BYTES", { MAX_DOC_BYTES: "4194304" }, { maxDocBytes: 4 * 1024 * 1024 }],
    ["MAX_DOC_BYTES at its minimum", { MAX_DOC_BYTES: "65536" }, { maxDocBytes: 64 * 1024 }],
    ["MAX_DOC_BYTES at its maximum", { MAX_DOC_BYTES: "1073741824" }, { maxDocBytes: 1024 * 1024 * 1024 }],
    ["LOG_LEVEL", { LOG_LEVEL: "debug" }, { logLevel: "debug" }],
    ["LOG_LEVEL in upper case", { LOG_LEVEL: "WARN" }, { logLevel: "warn" }],
    ["LOG_LEVEL silent", { LOG_LEVEL: "silent" }, { logLevel: "silent" }],
  ];

  it.each(CASES)("%s", (_label, env, expected) => {
    expect(loadConfig(env)).toMatchObject(expected);
  });
});

describe("loadConfig refuses bad values with a ConfigError naming the variable", () => {
  const BAD: readonly (readonly [string, string])[] = [
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "65536"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["PORT", "1e3"],
    ["PORT", "0x50"],
    ["LOG_LEVEL", "loud"],
    ["LOG_LEVEL", "information"],
    ["PUBLIC_URL", "ftp://x"],
    ["PUBLIC_URL", "not a url"],
    ["PUBLIC_URL", "samla.example.org"],
    ["PUBLIC_URL", "javascript:alert(1)"],
    ["PUBLIC_URL", "file:///etc/passwd"],
    // Join links are `${PUBLIC_URL}/join/<code>`: a query, fragment or password would break or leak.
    ["PUBLIC_URL", "https://samla.example.org/?a=1"],
    ["PUBLIC_URL", "https://samla.example.org/#x"],
    ["PUBLIC_URL", "https://user:secret@samla.example.org"],
    ["MAX_MESSAGE_BYTES", "10"],
    ["MAX_MESSAGE_BYTES", "1023"],
    ["MAX_MESSAGE_BYTES", "1MB"],
    ["MAX_MESSAGE_BYTES", String(64 * 1024 * 1024 + 1)],
    ["MAX_CONNECTIONS_PER_TOKEN", "0"],
    ["MAX_CONNECTIONS_PER_TOKEN", "-1"],
    ["MAX_CONNECTIONS_PER_TOKEN", "many"],
    ["MAX_CONNECTIONS_PER_TOKEN", "2.5"],
    ["MAX_CONNECTIONS_PER_TOKEN", "100001"],
    ["MAX_DOC_BYTES", "16MiB"],
    ["MAX_DOC_BYTES", "65535"],
    ["MAX_DOC_BYTES", "0"],
    ["MAX_DOC_BYTES", "1e7"],
    ["MAX_DOC_BYTES", String(1024 * 1024 * 1024 + 1)],
    ["RETENTION_DAYS", "0"],
    ["RETENTION_DAYS", "-5"],
    ["RETENTION_DAYS", "7d"],
    ["RETENTION_DAYS", "36501"],
    ["UNLOAD_GRACE_MS", "soon"],
    ["DATABASE_URL", "postgres://samla@localhost/samla"],
    ["REDIS_URL", "redis://localhost:6379"],
  ];

  it.each(BAD)("%s=%j", (name, value) => {
    let thrown: unknown = null;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as ConfigError).name).toBe("ConfigError");
    expect((thrown as ConfigError).message).toContain(name);
  });

  it("refuses DATABASE_URL even when everything else is valid", () => {
    expect(() => loadConfig({ PORT: "8080", DATABASE_URL: "postgres://x" })).toThrow(ConfigError);
  });
});

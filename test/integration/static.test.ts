import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it, onTestFinished } from "vitest";
import { precompressDir } from "../../scripts/precompress.ts";
import { decodedBody, rawGet } from "../helpers/rawHttp.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

/** Text that compresses, as a build's does. */
const script = `export const notes = [${Array.from({ length: 400 }, (_, i) => `"note ${i % 17}"`).join(",")}];\n`;
const html = `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Samla</title>${"<!-- app -->".repeat(120)}</head><body><div id="root"></div><script type="module" src="/assets/app.js"></script></body></html>`;
const tiny = "body{margin:0}";

/** A small build, precompressed as `vite build` does, served by a real server; both gone after the test. */
async function servedBuild(): Promise<TestServer> {
  const root = mkdtempSync(path.join(tmpdir(), "samla-static-"));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, "assets"));
  writeFileSync(path.join(root, "index.html"), html);
  writeFileSync(path.join(root, "assets", "app.js"), script);
  writeFileSync(path.join(root, "assets", "tiny.css"), tiny);
  precompressDir(root);
  return startServer({ clientRoot: root });
}

describe("the build's precompressed copies", () => {
  it.each([
    { accept: "gzip, deflate, br, zstd", encoding: "br" },
    { accept: "br;q=0.5, gzip", encoding: "gzip" },
    { accept: "gzip", encoding: "gzip" },
    { accept: "identity", encoding: undefined },
    { accept: null, encoding: undefined },
  ])("sends a script as $encoding for accept-encoding $accept", async ({ accept, encoding }) => {
    const response = await rawGet(
      `${(await servedBuild()).url}/assets/app.js`,
      accept === null ? {} : { "accept-encoding": accept },
    );
    expect(response.status).toBe(200);
    expect(response.headers["content-encoding"]).toBe(encoding);
    expect(response.headers["content-type"]).toMatch(/javascript/);
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    // The security headers go on every response, compressed or not.
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    const body = decodedBody(response);
    expect(body.toString()).toBe(script);
    if (encoding !== undefined) expect(response.body.byteLength).toBeLessThan(script.length / 3);
  });

  it("sends the app's page compressed on the app's own routes too", async () => {
    const server = await servedBuild();
    for (const pathname of ["/", "/w/abc/table/def", "/join/CODE"]) {
      const response = await rawGet(`${server.url}${pathname}`, { "accept-encoding": "gzip, br" });
      expect(response.status, pathname).toBe(200);
      expect(response.headers["content-encoding"], pathname).toBe("br");
      expect(response.headers["content-type"], pathname).toMatch(/text\/html/);
      expect(decodedBody(response).toString(), pathname).toBe(html);
    }
  });

  it("sends a file too small to gain as it is", async () => {
    const response = await rawGet(`${(await servedBuild()).url}/assets/tiny.css`, {
      "accept-encoding": "br, gzip",
    });
    expect(response.headers["content-encoding"]).toBeUndefined();
    expect(response.body.toString()).toBe(tiny);
  });

  it("does not serve the copies under names of their own", async () => {
    const server = await servedBuild();
    for (const suffix of [".br", ".gz"]) {
      const response = await rawGet(`${server.url}/assets/app.js${suffix}`, {
        "accept-encoding": "br, gzip",
      });
      expect(response.status, suffix).toBe(404);
    }
  });
});

describe("precompressDir", () => {
  it.each([
    { name: "app.js", content: Buffer.from(script), copies: [".br", ".gz"] },
    { name: "page.html", content: Buffer.from(html), copies: [".br", ".gz"] },
    { name: "small.js", content: Buffer.from(tiny), copies: [] },
    // Not text: compressed already, or not worth trying.
    { name: "photo.png", content: Buffer.from(script), copies: [] },
    // Random bytes do not get smaller: no copy, and the file is sent as it is.
    { name: "noise.js", content: randomBytes(4096), copies: [] },
  ])("writes $copies beside $name", ({ name, content, copies }) => {
    const dir = mkdtempSync(path.join(tmpdir(), "samla-precompress-"));
    try {
      writeFileSync(path.join(dir, name), content);
      const written = precompressDir(dir);
      expect(readdirSync(dir).sort()).toEqual([name, ...copies.map((suffix) => name + suffix)].sort());
      for (const entry of written) {
        const original = readFileSync(path.join(dir, entry.file));
        if (entry.br !== null)
          expect(brotliDecompressSync(readFileSync(path.join(dir, `${entry.file}.br`)))).toEqual(original);
        if (entry.gzip !== null)
          expect(gunzipSync(readFileSync(path.join(dir, `${entry.file}.gz`)))).toEqual(original);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

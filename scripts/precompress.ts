import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";
import { MIN_COMPRESSED_BYTES } from "../server/http/compression.ts";

/** What compresses: text. Images other than SVG are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt)$/;

export interface Precompressed {
  readonly file: string;
  readonly br: number | null;
  readonly gzip: number | null;
}

/**
 * Writes `name.br` and `name.gz` beside every compressible file of `dir` (recursively), once at
 * build time with the strongest settings, so the server sends them as they are
 * (`preCompressed` in server/routes/client.ts) and never compresses per request. A copy that
 * would not be smaller is not written: the file is then sent as it is.
 */
export function precompressDir(dir: string): Precompressed[] {
  const written: Precompressed[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const data = readFileSync(file);
    if (data.byteLength < MIN_COMPRESSED_BYTES) continue;
    const br = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
      },
    });
    const gzip = gzipSync(data, { level: 9 });
    const keep = (copy: Buffer, suffix: string): number | null => {
      if (copy.byteLength >= data.byteLength) return null;
      writeFileSync(file + suffix, copy);
      return copy.byteLength;
    };
    written.push({
      file: path.relative(dir, file),
      br: keep(br, ".br"),
      gzip: keep(gzip, ".gz"),
    });
  }
  return written;
}

/** The Vite plugin: precompresses the build's output directory once it is written. */
export function precompress(): Plugin {
  let outDir = "";
  return {
    name: "samla-precompress",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      if (outDir === "" || !statSync(outDir, { throwIfNoEntry: false })?.isDirectory()) return;
      precompressDir(outDir);
    },
  };
}

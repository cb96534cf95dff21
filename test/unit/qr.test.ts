import decodeQR from "@paulmillr/qr/decode.js";
import { describe, expect, it } from "vitest";
import { QUIET_ZONE, qrShape } from "../../client/src/cards/qr.ts";

/** Paints the path's runs (`M x y h w v1 h-w z`) into RGBA pixels, `scale` per module. */
function rasterize(
  size: number,
  path: string,
  scale = 4,
): { width: number; height: number; data: Uint8Array } {
  const width = size * scale;
  const data = new Uint8Array(width * width * 4).fill(255);
  for (const [, x, y, w] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let py = Number(y) * scale; py < (Number(y) + 1) * scale; py++) {
      for (let px = Number(x) * scale; px < (Number(x) + Number(w)) * scale; px++) {
        data.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3);
      }
    }
  }
  return { width, height: width, data };
}

describe("join card QR codes", () => {
  it.each([
    "http://samla.test/join/ABCDEF",
    "https://samla.kommun.example.se:8443/join/XYZ234",
    "http://192.168.1.20:8080/join/KMNPQR",
  ])("decode to the join link %s", (url) => {
    const { size, path } = qrShape(url);
    expect(decodeQR(rasterize(size, path))).toBe(url);
  });

  it("keeps a quiet zone of four light modules on every side", () => {
    const { size, path } = qrShape("http://samla.test/join/ABCDEF");
    const runs = [...path.matchAll(/M(\d+) (\d+)h(\d+)/g)].map(([, x, y, w]) => [
      Number(x),
      Number(y),
      Number(w),
    ]);
    expect(Math.min(...runs.map(([x]) => x ?? 0))).toBe(QUIET_ZONE);
    expect(Math.min(...runs.map(([, y]) => y ?? 0))).toBe(QUIET_ZONE);
    expect(Math.max(...runs.map(([x, , w]) => (x ?? 0) + (w ?? 0)))).toBe(size - QUIET_ZONE);
    expect(Math.max(...runs.map(([, y]) => (y ?? 0) + 1))).toBe(size - QUIET_ZONE);
  });
});

import { encode } from "uqr";

/** Light modules around the code; the QR standard asks for four. */
export const QUIET_ZONE = 4;

export interface QrShape {
  /** Width and height in modules, quiet zone included. */
  readonly size: number;
  /** The dark modules as one SVG path, one sub-path per horizontal run. */
  readonly path: string;
}

/**
 * A QR code for `text`, computed here (no service sees the join link). Error correction M
 * survives a coffee stain on the printed card and keeps a join URL at a small version.
 */
export function qrShape(text: string): QrShape {
  const { data } = encode(text, { ecc: "M", border: 0 });
  const parts: string[] = [];
  data.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (row[x]) x++;
      parts.push(`M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${x - start}v1h-${x - start}z`);
    }
  });
  return { size: data.length + 2 * QUIET_ZONE, path: parts.join("") };
}

/** One op of a Y.Text change, as Yjs reports it in `event.delta`. */
export interface TextDeltaOp {
  readonly retain?: number;
  readonly insert?: unknown;
  readonly delete?: number;
}

/**
 * Where a caret at `index` in the old text belongs in the new one, after a remote change.
 * Text inserted exactly at the caret goes before it only if `stickyAfter` (the end of a
 * selection), so someone typing next to you does not drag your caret along.
 */
export function transformIndex(index: number, delta: readonly TextDeltaOp[], stickyAfter = false): number {
  // `oldPos` walks the old text: retained and deleted text was there, inserted text was not.
  let oldPos = 0;
  let shift = 0;
  for (const op of delta) {
    if (oldPos > index) break;
    if (op.retain !== undefined) {
      oldPos += op.retain;
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === "string" ? op.insert.length : 1;
      if (oldPos < index || (oldPos === index && stickyAfter)) shift += length;
    } else if (op.delete !== undefined) {
      if (oldPos < index) shift -= Math.min(op.delete, index - oldPos);
      oldPos += op.delete;
    }
  }
  return index + shift;
}

/**
 * At most a few WebSocket handshakes of this page in flight at once. Chromium throttles a
 * page's pending handshakes steeply (each waits about 1–5 s × 2^pending / 65536), so the
 * console's 42 documents opened all at once took ≈ 5 s to connect; four at a time, under 1 s.
 */
const MAX_PENDING = 4;

let pending = 0;
const waiting: (() => void)[] = [];

/** Resolves with a `release` once a handshake may start; call it once the socket opened or failed. */
export function acquireHandshake(): Promise<() => void> {
  return new Promise((resolve) => {
    const start = () => {
      pending++;
      let released = false;
      resolve(() => {
        if (released) return;
        released = true;
        pending--;
        waiting.shift()?.();
      });
    };
    if (pending < MAX_PENDING) start();
    else waiting.push(start);
  });
}

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// `gc` is only exposed to contexts created after the flag is set.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as unknown;

/**
 * A full collection of the generator's heap, before a window. Without it the garbage of earlier
 * phases (600 MB after the ramp) was collected in the middle of the 2× saturation window: 120 ms
 * of incremental marking on a core the generator already used at 90%, a stall of ≈ 240 ms in
 * which no frame was read, timed as the server's latency.
 */
export function collectGarbage(): void {
  if (typeof gc === "function") gc();
}

/**
 * Preloaded into a server process by `test/helpers/heapProbe.ts` (through NODE_OPTIONS, together
 * with `--expose-gc`), so a test can measure the live heap the way a leak hunt needs it: right
 * after a full garbage collection. It listens on the Unix socket SAMLA_HEAP_PROBE_SOCKET and
 * otherwise changes nothing in the process.
 *
 * A request is one line: `heap` or `count`. For either, it collects twice (the second pass frees
 * what finalizers and weak callbacks released in the first) and answers one JSON line with
 * `process.memoryUsage()`. For `count` it also counts the live instances of the classes named in
 * SAMLA_HEAP_PROBE_OBJECTS (JSON: label → [module specifier, export name]) with
 * `v8.queryObjects`, which collects again for each class, so it is slower. The modules are
 * imported when counted, long after the server loaded them, so they are the server's own.
 */
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { setImmediate as tick } from "node:timers/promises";
import v8 from "node:v8";

const collect = globalThis.gc;
const socketPath = process.env.SAMLA_HEAP_PROBE_SOCKET;
if (typeof collect !== "function") throw new Error("gcProbe.mjs needs node --expose-gc");
if (socketPath === undefined) throw new Error("gcProbe.mjs needs SAMLA_HEAP_PROBE_SOCKET");
/** @type {Record<string, [string, string]>} */
const targets = JSON.parse(process.env.SAMLA_HEAP_PROBE_OBJECTS ?? "{}");

/** @param {boolean} count */
async function measure(count) {
  collect();
  await tick();
  collect();
  const { heapUsed, heapTotal, external, arrayBuffers, rss } = process.memoryUsage();
  /** @type {Record<string, number>} */
  const objects = {};
  if (count) {
    for (const [label, [specifier, name]] of Object.entries(targets)) {
      const ctor = (await import(specifier))[name];
      // -1: no such class there (a wrong name must not read as "none left").
      objects[label] = typeof ctor === "function" ? v8.queryObjects(ctor, { format: "count" }) : -1;
    }
  }
  return { heapUsed, heapTotal, external, arrayBuffers, rss, objects };
}

// A previous process on the same path (killed with SIGKILL) leaves its socket file behind.
rmSync(socketPath, { force: true });
const server = createServer((socket) => {
  let request = "";
  socket.setEncoding("utf8");
  socket.on("error", () => {});
  socket.on("data", (chunk) => {
    request += chunk;
    if (!request.includes("\n")) return;
    measure(request.trim() === "count")
      .then((sample) => socket.end(`${JSON.stringify(sample)}\n`))
      .catch((error) => socket.end(`${JSON.stringify({ error: String(error) })}\n`));
  });
});
server.listen(socketPath);
// The probe never keeps the server process alive.
server.unref();

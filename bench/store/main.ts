/**
 * `npm run bench:store`: what storing costs the server per keystroke, the store alone, at a
 * workshop's pace. Each variant is a real SQLite store in its own data directory, fed the same
 * Yjs keystrokes of 40 table documents at 800/s (one or so per turn of the event loop, as sockets
 * bring them), in alternating windows; a variant that stores nothing is the reference, so its CPU
 * (the pacing itself) can be subtracted. CPU is the process's (every thread: the checkpoint
 * worker too) from `process.cpuUsage()`. See docs/performance.md, "The store alone".
 *
 *   npm run bench:store                      4 rounds of 5 s windows per variant
 *   npm run bench:store -- --rounds 8 --seconds 3 --rate 800 --docs 40
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import * as Y from "yjs";
import { openSqliteStore, type SqliteStore } from "../../server/store/sqlite.ts";
import { asId } from "../../shared/ids.ts";
import { markdownTable, num, summarize } from "../relay/report.ts";

interface Args {
  readonly rounds: number;
  readonly seconds: number;
  readonly rate: number;
  readonly docs: number;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const parsed = Number(argv[i + 1]);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${flag} needs a positive number`);
    return parsed;
  };
  return {
    rounds: value("--rounds", 4),
    seconds: value("--seconds", 5),
    rate: value("--rate", 800),
    docs: value("--docs", 40),
  };
}

/** One way of storing appends; `append` resolves when the update is durable. */
interface Variant {
  readonly label: string;
  readonly append: (name: string, update: Uint8Array) => Promise<void>;
  readonly rows: (name: string) => Promise<number>;
  readonly close: () => Promise<void>;
}

interface Totals {
  cpuUs: number;
  appends: number;
  latenciesMs: number[];
  loopDelayP99Ms: number[];
  loopDelayMaxMs: number;
}

function newTotals(): Totals {
  return { cpuUs: 0, appends: 0, latenciesMs: [], loopDelayP99Ms: [], loopDelayMaxMs: 0 };
}

const WORKSHOP = asId<"WorkshopId">("benchstore");

async function storeVariant(
  label: string,
  dir: string,
  options: { appendLog: boolean; moveDelayMs?: number },
) {
  const store: SqliteStore = openSqliteStore({ dataDir: dir, ...options });
  await store.createWorkshop({
    id: WORKSHOP,
    createdAt: Date.now(),
    tables: [],
    tokens: [],
    docs: [],
  });
  const variant: Variant = {
    label,
    append: (name, update) => store.appendUpdates(name, [update]),
    rows: async (name) => (await store.loadDoc(name)).length,
    close: () => store.close(),
  };
  return variant;
}

/** The reference: nothing stored, the same promise handed back. */
function nothingStored(): Variant {
  const counts = new Map<string, number>();
  return {
    label: "nothing stored (reference)",
    append: (name) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return Promise.resolve();
    },
    rows: async (name) => counts.get(name) ?? 0,
    close: async () => {},
  };
}

/** Keystrokes as a client's Y.Doc produces them: one character typed into a note's text. */
function keystrokes(docs: number, perDoc: number): Uint8Array[][] {
  return Array.from({ length: docs }, (_, d) => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    const text = doc.getMap("notes").set(`note-${d}`, new Y.Text());
    updates.length = 0;
    for (let i = 0; i < perDoc; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
    return updates;
  });
}

/** Feeds `count` appends at `rate`/s, round-robin over the documents, from a 1 ms timer. */
async function runWindow(
  variant: Variant,
  names: readonly string[],
  updates: readonly Uint8Array[][],
  next: number[],
  count: number,
  rate: number,
  totals: Totals,
): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent++) {
        const d = sent % names.length;
        const update = updates[d]?.[next[d] ?? 0];
        const name = names[d];
        if (update === undefined || name === undefined) throw new Error("ran out of keystrokes");
        next[d] = (next[d] ?? 0) + 1;
        const at = performance.now();
        pending.push(
          variant.append(name, update).then(() => void totals.latenciesMs.push(performance.now() - at)),
        );
      }
      if (sent === count) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpuBefore);
  loop.disable();
  totals.cpuUs += cpu.user + cpu.system;
  totals.appends += count;
  totals.loopDelayP99Ms.push(loop.percentile(99) / 1e6);
  totals.loopDelayMaxMs = Math.max(totals.loopDelayMaxMs, loop.max / 1e6);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "samla-bench-store-"));
  const names = Array.from(
    { length: args.docs },
    (_, i) => `${WORKSHOP}/table/${asId<"TableId">(`t${i + 1}`)}`,
  );
  const perWindow = Math.round(args.rate * args.seconds);
  const warmup = Math.round(args.rate * 2);
  const variants: Variant[] = await Promise.all([
    nothingStored(),
    storeVariant("SQLite commit per turn", path.join(root, "commit"), { appendLog: false }),
    ...[20, 100, 250].map((moveDelayMs) =>
      storeVariant(`append log, moved every ${moveDelayMs} ms`, path.join(root, `log${moveDelayMs}`), {
        appendLog: true,
        moveDelayMs,
      }),
    ),
  ]);
  const perDoc = Math.ceil((warmup + perWindow * args.rounds) / args.docs) + 1;
  const updates = keystrokes(args.docs, perDoc);
  const next = new Map(variants.map((v) => [v, names.map(() => 0)]));
  const totals = new Map<Variant, Totals>(variants.map((v) => [v, newTotals()]));
  for (const variant of variants) {
    await runWindow(variant, names, updates, next.get(variant) ?? [], warmup, args.rate, newTotals());
  }
  for (let round = 0; round < args.rounds; round++) {
    // Alternating order (ABC, CBA, …) so that a drift of the machine's speed falls on every variant alike.
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const t = totals.get(variant);
      if (t === undefined) continue;
      await runWindow(variant, names, updates, next.get(variant) ?? [], perWindow, args.rate, t);
    }
    process.stderr.write(`round ${round + 1}/${args.rounds} done\n`);
  }
  // Everything appended must be there, in every variant.
  for (const variant of variants) {
    const expected = next.get(variant) ?? [];
    for (const [d, name] of names.entries()) {
      const rows = await variant.rows(name);
      if (rows !== expected[d])
        throw new Error(`${variant.label}: ${name} has ${rows} rows, expected ${expected[d]}`);
    }
  }
  for (const variant of variants) await variant.close();
  fs.rmSync(root, { recursive: true, force: true });

  const totalsOf = (variant: Variant | undefined): Totals => {
    const t = variant === undefined ? undefined : totals.get(variant);
    if (t === undefined) throw new Error("no totals for a variant");
    return t;
  };
  const reference = totalsOf(variants[0]);
  const referenceUs = reference.cpuUs / reference.appends;
  const rows = variants.map((variant) => {
    const t = totalsOf(variant);
    const perAppend = t.cpuUs / t.appends;
    const latency = summarize(t.latenciesMs);
    return {
      label: variant.label,
      cells: [
        num(perAppend, 1),
        num(perAppend - referenceUs, 1),
        num(latency.p50, 2),
        num(latency.p99, 2),
        num(latency.max, 1),
        num(Math.max(...t.loopDelayP99Ms), 1),
        num(t.loopDelayMaxMs, 1),
      ],
    };
  });
  process.stdout.write(
    `${markdownTable({
      title: "The store alone: appends at a workshop's pace",
      columns: [
        "CPU µs/append",
        "storing µs/append (beyond the reference)",
        "durable p50 ms",
        "durable p99 ms",
        "durable max ms",
        "event loop late p99 ms (worst window)",
        "event loop late max ms",
      ],
      rows,
      notes: [
        `${args.rate} appends/s over ${args.docs} documents, ${args.rounds} rounds of ${args.seconds} s windows per variant in alternating order, after a 2 s warm-up each; Node.js ${process.version}; ${os.cpus().length} cores; data under ${os.tmpdir()}.`,
        "CPU: the process's, every thread, over the window until its last append was durable, per append.",
      ],
    })}\n`,
  );
}

await main();

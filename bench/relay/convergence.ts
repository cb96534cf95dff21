import { createHash } from "node:crypto";
import * as Y from "yjs";
import type { BenchClient, DocLoad } from "./load.ts";

export interface Convergence {
  readonly clients: number;
  readonly documents: number;
  readonly failures: readonly string[];
}

/**
 * Every client's document must hold exactly what was written to it: the seed, plus every op
 * each writer sent, with nothing pending (no update whose dependencies never came). Compared as
 * canonical JSON of the document's root map (key order differs with arrival order).
 */
export function checkConvergence(loads: readonly DocLoad[]): Convergence {
  const failures: string[] = [];
  let clients = 0;
  for (const load of loads) {
    const expectedDoc = new Y.Doc({ gc: true });
    Y.transact(expectedDoc, () => {
      if (load.seed !== null) Y.applyUpdate(expectedDoc, load.seed);
      for (const typist of load.typists) {
        for (let op = 0; op < typist.sent; op++) {
          const update = typist.script.ops.at(op);
          if (update !== undefined) Y.applyUpdate(expectedDoc, update);
        }
      }
    });
    const expected = canonicalJson(expectedDoc.getMap(load.root).toJSON());
    expectedDoc.destroy();
    const lazyVerdicts = new Map<string, string | null>();
    for (const client of load.clients) {
      clients++;
      const problem =
        client.doc === null ? checkLazy(client, expected, lazyVerdicts) : checkLive(client, expected);
      if (problem !== null && failures.length < 20)
        failures.push(`${load.name} client ${client.clientId}: ${problem}`);
      else if (problem !== null) failures.push("…");
    }
  }
  return { clients, documents: loads.length, failures };
}

function checkLive(client: BenchClient, expected: string): string | null {
  const doc = client.doc;
  if (doc === null) return "no document";
  client.flush();
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null)
    return "updates with missing dependencies";
  for (const typist of client.load.typists) {
    const clock = Y.getState(doc.store, typist.script.clientId);
    if (clock !== typist.clock)
      return `has writer ${typist.script.clientId} up to clock ${clock} of ${typist.clock}`;
  }
  const actual = canonicalJson(doc.getMap(client.load.root).toJSON());
  return actual === expected ? null : "content differs";
}

/** Lazy clients of one document usually received the very same bytes: each distinct set is checked once. */
function checkLazy(
  client: BenchClient,
  expected: string,
  verdicts: Map<string, string | null>,
): string | null {
  const hash = createHash("sha1");
  for (const update of client.deferred) hash.update(update);
  const key = `${client.deferred.length}:${hash.digest("hex")}`;
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const doc = new Y.Doc({ gc: true });
  Y.transact(doc, () => {
    for (const update of client.deferred) Y.applyUpdate(doc, update);
  });
  let verdict: string | null = null;
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null)
    verdict = "updates with missing dependencies";
  else if (canonicalJson(doc.getMap(client.load.root).toJSON()) !== expected) verdict = "content differs";
  doc.destroy();
  verdicts.set(key, verdict);
  return verdict;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

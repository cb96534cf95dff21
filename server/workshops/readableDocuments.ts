import * as Y from "yjs";
import { type DocRef, docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { DocumentState } from "../../shared/documentsBody.ts";
import { accessTo, dependsOnReveal, type Principal } from "../../shared/permissions.ts";
import { isRevealed } from "../../shared/schema/meta.ts";
import { stateAsOneUpdate } from "../store/replay.ts";
import type { Store } from "../store/store.ts";

/**
 * Every document of the principal's workshop that it may read, each as one update, straight
 * from the store: the store is always current (the relay stores each update before relaying
 * it), so no room is asked, loaded or created. Null when the workshop was deleted meanwhile.
 *
 * Access is the WebSocket's own rule (`accessTo`, and the meta's `revealed` flag where
 * `dependsOnReveal` says it matters), so this never shows more than the sockets would.
 * Order: meta, synthesis, then the tables in the registry's order. Every readable document is
 * listed, an empty one as Yjs' empty update, so a reader knows it has them all.
 */
export async function readableDocuments(store: Store, principal: Principal): Promise<DocumentState[] | null> {
  const { workshopId } = principal;
  const meta = metaDoc(workshopId);
  const metaState = stateAsOneUpdate(await store.loadDoc(docName(meta)));
  // Read after the meta: a table is registered before the meta lists it, so every table the
  // meta lists is in this list too.
  const tables = await store.listTables(workshopId);
  const refs: DocRef[] = [meta, synthesisDoc(workshopId), ...tables.map((t) => tableDoc(workshopId, t.id))];
  let revealed: boolean | null = null;
  const documents: DocumentState[] = [];
  for (const ref of refs) {
    const dependsOnMeta = dependsOnReveal(principal, ref);
    if (dependsOnMeta) revealed ??= revealedIn(metaState);
    if (accessTo(principal, ref, { revealed: dependsOnMeta && revealed === true }) === "none") continue;
    const name = docName(ref);
    documents.push({ name, update: ref === meta ? metaState : stateAsOneUpdate(await store.loadDoc(name)) });
    // A document with a long log takes milliseconds to merge: let the relay's sockets in between.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if ((await store.getWorkshop(workshopId)) === null) return null;
  return documents;
}

function revealedIn(metaState: Uint8Array): boolean {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, metaState);
    return isRevealed(doc);
  } finally {
    doc.destroy();
  }
}

import { useId } from "react";
import * as Y from "yjs";
import { isId, type RoundId, type TableId } from "../../../shared/ids.ts";
import type { MetaState } from "../../../shared/schema/meta.ts";
import { tableParts } from "../../../shared/schema/table.ts";
import { useT } from "../i18n/useT.ts";
import { jsonEqual, useAwarenessStates, useYValue } from "../sync/hooks.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";

/**
 * Hours and minutes as both languages write them (sv-SE and en-GB: 24-hour "14:05"), by hand.
 * `toLocaleTimeString` builds a formatter on every call, which cost more than the rest of a
 * table's summary whenever a note arrived; and a page's first `Intl.DateTimeFormat` loads ICU's
 * data, 20–45 ms of the console's first visit (measured in Chromium), for two numbers.
 */
function clock(time: number): string {
  const date = new Date(time);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

/** Every table at a glance: who is there, how much they wrote per question, when last. */
export function TablesOverview({
  meta,
  tables,
}: {
  meta: MetaState;
  tables: ReadonlyMap<TableId, SyncedDoc>;
}) {
  const t = useT();
  const headingId = useId();
  const round = meta.rounds.find((candidate) => candidate.id === meta.activeRoundId) ?? null;
  return (
    <section className="tables-overview" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("tablesHeading")}</h2>
      <ul className="tables-overview__list">
        {meta.tables.map((table) => {
          const doc = tables.get(table.id);
          return doc ? <TableSummary key={table.id} name={table.name} doc={doc} round={round} /> : null;
        })}
      </ul>
    </section>
  );
}

function TableSummary({
  name,
  doc,
  round,
}: {
  name: string;
  doc: SyncedDoc;
  round: MetaState["rounds"][number] | null;
}) {
  const t = useT();
  const roundId = round?.id ?? null;
  const { perPrompt, last } = useYValue(
    tableParts(doc.doc).notes,
    () => readSummary(doc.doc, roundId),
    jsonEqual,
    [roundId],
  );
  const states = useAwarenessStates(doc.awareness);
  // Only tablets publish presence with a device name; the console and screen publish none.
  const devices = [...states.values()].filter((state) => typeof state.device === "string").length;
  return (
    <li className="table-summary">
      <h3>{name}</h3>
      <p>{t("tableDevices", { n: devices })}</p>
      <ul className="table-summary__counts">
        {round?.prompts.map((prompt) => (
          <li key={prompt.id}>
            <span>{prompt.label}</span>: {t("tableNotes", { n: perPrompt[prompt.id] ?? 0 })}
          </li>
        ))}
      </ul>
      <p className="table-summary__last">
        {last === 0
          ? t("tableNoActivity")
          : t("tableLastActivity", {
              time: clock(last),
            })}
      </p>
    </li>
  );
}

interface Summary {
  /** Notes of the round per prompt id, hidden ones included. */
  readonly perPrompt: Readonly<Record<string, number>>;
  /** When the round's latest note was written (0: none). */
  readonly last: number;
}

/**
 * What the summary shows, read straight from the notes' maps: ids and times only, not the texts,
 * so a keystroke at a table costs next to nothing here.
 */
function readSummary(doc: Y.Doc, roundId: RoundId | null): Summary {
  const perPrompt: Record<string, number> = {};
  let last = 0;
  if (roundId === null) return { perPrompt, last };
  for (const [id, note] of tableParts(doc).notes.entries()) {
    if (!(note instanceof Y.Map) || !isId(id) || note.get("roundId") !== roundId) continue;
    const promptId = note.get("promptId");
    if (!isId(promptId)) continue;
    perPrompt[promptId] = (perPrompt[promptId] ?? 0) + 1;
    const createdAt = note.get("createdAt");
    if (typeof createdAt === "number" && Number.isFinite(createdAt)) last = Math.max(last, createdAt);
  }
  return { perPrompt, last };
}

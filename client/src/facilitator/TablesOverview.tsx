import { useId } from "react";
import type { TableId } from "../../../shared/ids.ts";
import type { MetaState } from "../../../shared/schema/meta.ts";
import { useLanguage, useT } from "../i18n/useT.ts";
import { useAwarenessStates } from "../sync/hooks.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { useTableNotes } from "../workshop/hooks.ts";

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
  const locale = useLanguage() === "sv" ? "sv-SE" : "en-GB";
  const notes = useTableNotes(doc, round?.id ?? null, true);
  const states = useAwarenessStates(doc.awareness);
  // Only tablets publish presence with a device name; the console and screen publish none.
  const devices = [...states.values()].filter((state) => typeof state.device === "string").length;
  const last = notes.reduce((latest, note) => Math.max(latest, note.createdAt), 0);
  return (
    <li className="table-summary">
      <h3>{name}</h3>
      <p>{t("tableDevices", { n: devices })}</p>
      <ul className="table-summary__counts">
        {round?.prompts.map((prompt) => (
          <li key={prompt.id}>
            <span>{prompt.label}</span>:{" "}
            {t("tableNotes", { n: notes.filter((n) => n.promptId === prompt.id).length })}
          </li>
        ))}
      </ul>
      <p className="table-summary__last">
        {last === 0
          ? t("tableNoActivity")
          : t("tableLastActivity", {
              time: new Date(last).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" }),
            })}
      </p>
    </li>
  );
}

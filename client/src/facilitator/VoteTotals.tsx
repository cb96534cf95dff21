import { useCallback, useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import type * as Y from "yjs";
import type { TableId } from "../../../shared/ids.ts";
import {
  MAX_DOTS_PER_TABLE,
  type MetaState,
  setDotsPerTable,
  setVotingOpen,
} from "../../../shared/schema/meta.ts";
import { readVotes, tableParts, type Votes } from "../../../shared/schema/table.ts";
import { dotsUsed, voteTotals } from "../../../shared/schema/votes.ts";
import { useT } from "../i18n/useT.ts";
import { jsonEqual } from "../sync/hooks.ts";
import { cancelChange, notifyChange } from "../sync/renderBatch.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { useThemes } from "../workshop/hooks.ts";
import "../board/voting.css";

const MIN_DOTS = 1;

interface VoteTotalsProps {
  readonly synthesis: SyncedDoc;
  readonly tables: ReadonlyMap<TableId, SyncedDoc>;
  readonly meta: MetaState;
  /** The meta document, written when the facilitator opens voting or changes the dots. */
  readonly metaDoc: Y.Doc;
}

/**
 * Dot voting for the facilitator: open or close it, set each table's dots, and watch the totals
 * for the active round's themes and each table's spend, live as tablets vote.
 * Not a live region: totals change with every tap, and announcing them would drown the console.
 */
export function VoteTotals({ synthesis, tables, meta, metaDoc }: VoteTotalsProps) {
  const t = useT();
  const headingId = useId();
  const themes = useThemes(synthesis, meta.activeRoundId);
  const votesByTable = useVotesByTable(tables);
  const themeIds = themes.map((theme) => theme.id);
  const totals = voteTotals([...votesByTable.values()], themeIds);
  const most = Math.max(1, ...Object.values(totals));

  return (
    <section className="vote-totals" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("voteTotalsHeading")}</h2>
      <div className="vote-totals__controls">
        <div className="vote-totals__control">
          <p>
            {t("voteTotalsStatus")}:{" "}
            <strong>{t(meta.votingOpen ? "voteTotalsIsOpen" : "voteTotalsIsClosed")}</strong>
          </p>
          <button type="button" className="button" onClick={() => setVotingOpen(metaDoc, !meta.votingOpen)}>
            {t(meta.votingOpen ? "voteTotalsClose" : "voteTotalsOpen")}
          </button>
        </div>
        <DotsPerTable value={meta.dotsPerTable} onChange={(dots) => setDotsPerTable(metaDoc, dots)} />
      </div>

      {meta.activeRoundId === null ? (
        <p className="empty">{t("voteTotalsNoRound")}</p>
      ) : (
        <div className="vote-totals__tables">
          {themes.length === 0 ? (
            <p className="empty">{t("voteTotalsNoThemes")}</p>
          ) : (
            <table>
              <caption>{t("voteTotalsThemesCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("voteTotalsTheme")}</th>
                  <th scope="col" className="vote-totals__number">
                    {t("voteTotalsDots")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {themes.map((theme) => {
                  const total = totals[theme.id] ?? 0;
                  const title = theme.title.trim();
                  return (
                    <tr key={theme.id}>
                      <th scope="row">
                        {title === "" ? t("votingUntitledTheme") : <span lang={meta.language}>{title}</span>}
                        <span
                          className="vote-totals__bar"
                          style={{ width: `${(total / most) * 100}%` }}
                          aria-hidden="true"
                        />
                      </th>
                      <td className="vote-totals__number">{total}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <table>
            <caption>{t("voteTotalsTablesCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("voteTotalsTable")}</th>
                <th scope="col" className="vote-totals__number">
                  {t("voteTotalsUsed")}
                </th>
              </tr>
            </thead>
            <tbody>
              {meta.tables.map((table) => {
                const votes = votesByTable.get(table.id) ?? {};
                return (
                  <tr key={table.id}>
                    <th scope="row" lang={meta.language}>
                      {table.name}
                    </th>
                    <td className="vote-totals__number">
                      {t("voteTotalsUsedOf", { n: dotsUsed(votes, themeIds), total: meta.dotsPerTable })}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * The dots-per-table field. Its text is the facilitator's while they type (an empty field on the
 * way from 3 to 12 is not a value); every whole number in range is written at once.
 */
function DotsPerTable({ value, onChange }: { value: number; onChange: (dots: number) => void }) {
  const t = useT();
  const inputId = useId();
  const hintId = useId();
  const [draft, setDraft] = useState(String(value));
  const editing = useRef(false);
  useEffect(() => {
    if (!editing.current) setDraft(String(value));
  }, [value]);
  return (
    <div className="vote-totals__control">
      <label htmlFor={inputId}>{t("voteTotalsDotsPerTable")}</label>
      <input
        id={inputId}
        type="number"
        inputMode="numeric"
        min={MIN_DOTS}
        max={MAX_DOTS_PER_TABLE}
        step={1}
        value={draft}
        aria-describedby={hintId}
        onFocus={() => {
          editing.current = true;
        }}
        onBlur={() => {
          editing.current = false;
          setDraft(String(value));
        }}
        onChange={(event) => {
          setDraft(event.target.value);
          const dots = Number(event.target.value);
          if (
            event.target.value !== "" &&
            Number.isInteger(dots) &&
            dots >= MIN_DOTS &&
            dots <= MAX_DOTS_PER_TABLE
          ) {
            onChange(dots);
          }
        }}
      />
      <p id={hintId} className="hint">
        {t("voteTotalsDotsPerTableHint", { max: MAX_DOTS_PER_TABLE })}
      </p>
    </div>
  );
}

/** Every table's votes, by table id, re-rendering when any table's `votes` map changes. */
function useVotesByTable(tables: ReadonlyMap<TableId, SyncedDoc>): ReadonlyMap<TableId, Votes> {
  const version = useRef(0);
  const cache = useRef<{
    tables: ReadonlyMap<TableId, SyncedDoc>;
    version: number;
    value: ReadonlyMap<TableId, Votes>;
  } | null>(null);
  const subscribe = useCallback(
    (onChange: () => void) => {
      // React re-reads right after subscribing: make that catch what changed since the render.
      version.current++;
      const observed = [...tables.values()].map((table) => {
        const map = tableParts(table.doc).votes;
        const listener = () => {
          version.current++;
          notifyChange(table.doc, onChange);
        };
        map.observe(listener);
        return () => map.unobserve(listener);
      });
      return () => {
        for (const unobserve of observed) unobserve();
        cancelChange(onChange);
      };
    },
    [tables],
  );
  const getSnapshot = (): ReadonlyMap<TableId, Votes> => {
    const cached = cache.current;
    if (cached !== null && cached.tables === tables && cached.version === version.current)
      return cached.value;
    const next = new Map([...tables].map(([id, table]) => [id, readVotes(table.doc)] as const));
    // Keep the old Map when nothing changed, so React does not re-render for nothing.
    const same = cached !== null && jsonEqual([...cached.value], [...next]);
    const value = same && cached !== null ? cached.value : next;
    cache.current = { tables, version: version.current, value };
    return value;
  };
  return useSyncExternalStore(subscribe, getSnapshot);
}

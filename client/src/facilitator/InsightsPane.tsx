import { type FormEvent, memo, useId, useState } from "react";
import type * as Y from "yjs";
import type { RoundId, ThemeId } from "../../../shared/ids.ts";
import {
  addInsight,
  deleteInsight,
  INSIGHT_KINDS,
  type InsightKind,
  type InsightView,
  isInsightKind,
  linkInsightToTheme,
  type ThemeView,
  unlinkInsightFromTheme,
} from "../../../shared/schema/synthesis.ts";
import type { StringKey } from "../i18n/strings.ts";
import { useT } from "../i18n/useT.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { useInsights } from "../workshop/hooks.ts";

const KIND_NAMES: Readonly<Record<InsightKind, StringKey>> = {
  conclusion: "kindConclusion",
  insight: "kindInsight",
  action: "kindAction",
};

/** What the day concludes: conclusions, insights and actions, for the round or the whole day. */
export const InsightsPane = memo(function InsightsPane({
  synthesis,
  roundId,
  themes,
  language,
}: {
  synthesis: SyncedDoc;
  roundId: RoundId;
  themes: readonly ThemeView[];
  language: string;
}) {
  const t = useT();
  const headingId = useId();
  const roundInsights = useInsights(synthesis, roundId);
  const dayInsights = useInsights(synthesis, null);
  const all = [...roundInsights, ...dayInsights];
  return (
    <section className="insights-pane" aria-labelledby={headingId}>
      <h3 id={headingId}>{t("insightsHeading")}</h3>
      <InsightForm doc={synthesis.doc} roundId={roundId} themes={themes} />
      {all.length === 0 ? (
        <p className="empty">{t("noInsights")}</p>
      ) : (
        <ul className="insights">
          {all.map((insight) => (
            <InsightItem
              key={insight.id}
              insight={insight}
              doc={synthesis.doc}
              themes={themes}
              language={language}
            />
          ))}
        </ul>
      )}
    </section>
  );
});

function InsightForm({
  doc,
  roundId,
  themes,
}: {
  doc: Y.Doc;
  roundId: RoundId;
  themes: readonly ThemeView[];
}) {
  const t = useT();
  const kindId = useId();
  const textId = useId();
  const scopeId = useId();
  const [kind, setKind] = useState<InsightKind>("conclusion");
  const [text, setText] = useState("");
  const [wholeDay, setWholeDay] = useState(false);
  const [themeIds, setThemeIds] = useState<readonly ThemeId[]>([]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim() === "") return;
    addInsight(doc, {
      roundId: wholeDay ? null : roundId,
      kind,
      text: text.trim(),
      themeIds,
      createdAt: Date.now(),
    });
    setText("");
    setThemeIds([]);
  }

  return (
    <form className="insight-form" onSubmit={submit}>
      <div className="insight-form__row">
        <label htmlFor={kindId}>{t("insightKind")}</label>
        <select
          id={kindId}
          value={kind}
          onChange={(event) => isInsightKind(event.target.value) && setKind(event.target.value)}
        >
          {INSIGHT_KINDS.map((option) => (
            <option key={option} value={option}>
              {t(KIND_NAMES[option])}
            </option>
          ))}
        </select>
        <label htmlFor={scopeId}>{t("insightScope")}</label>
        <select
          id={scopeId}
          value={wholeDay ? "day" : "round"}
          onChange={(event) => setWholeDay(event.target.value === "day")}
        >
          <option value="round">{t("insightScopeRound")}</option>
          <option value="day">{t("insightScopeWorkshop")}</option>
        </select>
      </div>
      <label htmlFor={textId}>{t("insightText")}</label>
      <textarea
        id={textId}
        value={text}
        rows={2}
        maxLength={2000}
        onChange={(event) => setText(event.target.value)}
      />
      {themes.length > 0 && (
        <fieldset className="insight-form__themes">
          <legend>{t("insightThemes")}</legend>
          {themes.map((theme) => (
            <label key={theme.id} className="check">
              <input
                type="checkbox"
                checked={themeIds.includes(theme.id)}
                onChange={(event) =>
                  setThemeIds(
                    event.target.checked ? [...themeIds, theme.id] : themeIds.filter((id) => id !== theme.id),
                  )
                }
              />
              {theme.title || t("untitledTheme")}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" className="button button--primary">
        {t("addInsight")}
      </button>
    </form>
  );
}

function InsightItem({
  insight,
  doc,
  themes,
  language,
}: {
  insight: InsightView;
  doc: Y.Doc;
  themes: readonly ThemeView[];
  language: string;
}) {
  const t = useT();
  return (
    <li className={`insight insight--${insight.kind}`}>
      <p>
        <strong>{t(KIND_NAMES[insight.kind])}</strong>
        {insight.roundId === null && <span className="badge">{t("insightScopeWorkshop")}</span>}
      </p>
      <p lang={language}>{insight.text}</p>
      {themes.length > 0 && (
        <fieldset className="insight__themes">
          <legend className="visually-hidden">{t("insightThemes")}</legend>
          {themes.map((theme) => (
            <label key={theme.id} className="check">
              <input
                type="checkbox"
                checked={insight.themeIds.includes(theme.id)}
                onChange={(event) =>
                  event.target.checked
                    ? linkInsightToTheme(doc, insight.id, theme.id)
                    : unlinkInsightFromTheme(doc, insight.id, theme.id)
                }
              />
              {theme.title || t("untitledTheme")}
            </label>
          ))}
        </fieldset>
      )}
      <button
        type="button"
        className="button button--small button--quiet"
        aria-label={t("deleteInsight", { text: insight.text.slice(0, 60) })}
        onClick={() => deleteInsight(doc, insight.id)}
      >
        {t("remove")}
      </button>
    </li>
  );
}

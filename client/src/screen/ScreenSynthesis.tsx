import { memo, useContext, useMemo } from "react";
import type { ThemeId } from "../../../shared/ids.ts";
import type { Prompt } from "../../../shared/schema/meta.ts";
import type { InsightKind, InsightView, ThemeView } from "../../../shared/schema/synthesis.ts";
import type { NoteRef } from "../../../shared/schema/table.ts";
import type { StringKey } from "../i18n/strings.ts";
import { type Translate, useT } from "../i18n/useT.ts";
import { shallowArrayEqual } from "../sync/hooks.ts";
import { useNoteLanguage, WorkshopLanguage } from "./language.ts";
import { resolveThemes, type ScreenData, type ScreenNote, unthemedByPrompt } from "./model.ts";
import { NoteCard, ThemeTitle } from "./NoteCard.tsx";

const KIND_LABELS: Readonly<Record<InsightKind, StringKey>> = {
  conclusion: "screenKindConclusion",
  insight: "screenKindInsight",
  action: "screenKindAction",
};

const NO_NOTES: readonly ScreenNote[] = [];

interface SynthesisProps {
  readonly data: ScreenData;
  readonly byRef: ReadonlyMap<NoteRef, ScreenNote>;
  readonly prompts: readonly Prompt[];
}

/** The round's synthesis as it grows: themes with their notes, conclusions, and notes not yet gathered. */
export function ScreenSynthesis({ data, byRef, prompts }: SynthesisProps) {
  const t = useT();
  const themes = useMemo(() => resolveThemes(data.themes, byRef), [data.themes, byRef]);
  const unthemed = useMemo(() => unthemedByPrompt(data.notes, data.themes), [data.notes, data.themes]);
  const anyUnthemed = prompts.some((prompt) => (unthemed.get(prompt.id)?.length ?? 0) > 0);
  return (
    <>
      {themes.length > 0 && (
        <section className="screen-section" aria-labelledby="screen-themes-heading">
          <h2 id="screen-themes-heading">{t("screenThemes")}</h2>
          <ol className="screen-themes">
            {themes.map(({ theme, notes }) => (
              <ThemeCard key={theme.id} theme={theme} notes={notes} />
            ))}
          </ol>
        </section>
      )}
      {data.insights.length > 0 && <Insights insights={data.insights} themes={data.themes} />}
      {(anyUnthemed || themes.length === 0) && (
        <section className="screen-section screen-unsorted" aria-labelledby="screen-unsorted-heading">
          <h2 id="screen-unsorted-heading">{t("screenUnsorted")}</h2>
          <div className="screen-prompts">
            {prompts.map((prompt) => (
              <PromptNotes key={prompt.id} prompt={prompt} notes={unthemed.get(prompt.id) ?? NO_NOTES} />
            ))}
          </div>
        </section>
      )}
    </>
  );
}

interface ThemeCardProps {
  readonly theme: ThemeView;
  readonly notes: readonly ScreenNote[];
}

const ThemeCard = memo(
  function ThemeCard({ theme, notes }: ThemeCardProps) {
    const t = useT();
    const noteLang = useNoteLanguage();
    return (
      <li className="screen-theme">
        <h3 className="screen-theme__title">
          <ThemeTitle title={theme.title} />
        </h3>
        <p className="screen-theme__count">{t("screenThemeCount", { n: notes.length })}</p>
        {notes.length > 0 && (
          <ul className="screen-notes">
            {notes.map((note) => (
              <NoteCard key={note.ref} note={note} t={t} lang={noteLang} />
            ))}
          </ul>
        )}
      </li>
    );
  },
  (a, b) => a.theme.title === b.theme.title && shallowArrayEqual(a.notes, b.notes),
);

interface PromptNotesProps {
  readonly prompt: Prompt;
  readonly notes: readonly ScreenNote[];
}

const PromptNotes = memo(
  function PromptNotes({ prompt, notes }: PromptNotesProps) {
    const t = useT();
    const lang = useContext(WorkshopLanguage);
    const noteLang = useNoteLanguage();
    const headingId = `screen-prompt-${prompt.id}`;
    return (
      <section className="screen-prompt" aria-labelledby={headingId}>
        <h3 id={headingId} lang={lang}>
          {prompt.label}
        </h3>
        {notes.length === 0 ? (
          <p className="screen-empty">{t("screenNoNotes")}</p>
        ) : (
          chunks(notes).map((chunk) => <NoteChunk key={chunk[0]?.ref} notes={chunk} t={t} lang={noteLang} />)
        )}
      </section>
    );
  },
  (a, b) =>
    a.prompt.id === b.prompt.id && a.prompt.label === b.prompt.label && shallowArrayEqual(a.notes, b.notes),
);

/**
 * Notes per list: a long wall of notes is several lists, each skipping layout and paint while
 * out of view (`content-visibility` in screen.css), so a note arriving costs a frame's work for
 * the lists on the screen only. 120 fills whole rows at 1-6, 8, 10 and 12 columns.
 */
const CHUNK = 120;

function chunks(notes: readonly ScreenNote[]): (readonly ScreenNote[])[] {
  const out: (readonly ScreenNote[])[] = [];
  for (let start = 0; start < notes.length; start += CHUNK) out.push(notes.slice(start, start + CHUNK));
  return out;
}

/** One list of notes; renders again only when its notes changed (a note arriving at the end renders the last). */
const NoteChunk = memo(
  function NoteChunk({
    notes,
    t,
    lang,
  }: {
    notes: readonly ScreenNote[];
    t: Translate;
    lang: string | undefined;
  }) {
    return (
      <ul className="screen-notes screen-notes--small screen-notes--chunk">
        {notes.map((note) => (
          <NoteCard key={note.ref} note={note} t={t} lang={lang} />
        ))}
      </ul>
    );
  },
  (a, b) => a.t === b.t && a.lang === b.lang && shallowArrayEqual(a.notes, b.notes),
);

interface InsightsProps {
  readonly insights: readonly InsightView[];
  readonly themes: readonly ThemeView[];
}

const Insights = memo(function Insights({ insights, themes }: InsightsProps) {
  const t = useT();
  const lang = useContext(WorkshopLanguage);
  const titles = new Map<ThemeId, string>(themes.map((theme) => [theme.id, theme.title]));
  const shown = insights.filter((insight) => insight.text.trim() !== "");
  if (shown.length === 0) return null;
  return (
    <section className="screen-section" aria-labelledby="screen-insights-heading">
      <h2 id="screen-insights-heading">{t("screenInsights")}</h2>
      <ul className="screen-insights">
        {shown.map((insight) => {
          const linked = insight.themeIds.flatMap((id) => {
            const title = titles.get(id);
            return title === undefined ? [] : [title.trim() === "" ? t("screenUntitledTheme") : title];
          });
          const kind = t(KIND_LABELS[insight.kind]);
          return (
            <li key={insight.id} className={`screen-insight screen-insight--${insight.kind}`}>
              <p className="screen-insight__kind">
                {insight.roundId === null ? `${kind} (${t("screenWholeDay")})` : kind}
              </p>
              <p className="screen-insight__text" lang={lang}>
                {insight.text}
              </p>
              {linked.length > 0 && (
                <p className="screen-insight__themes">
                  {t("screenLinkedThemes", { themes: linked.join(", ") })}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
});

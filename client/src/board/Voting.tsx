import { useId } from "react";
import type { ThemeId } from "../../../shared/ids.ts";
import { MAX_DOTS_PER_TABLE, type MetaState } from "../../../shared/schema/meta.ts";
import type { ThemeView } from "../../../shared/schema/synthesis.ts";
import { setVotes } from "../../../shared/schema/table.ts";
import { dotsLeft, dotsOn } from "../../../shared/schema/votes.ts";
import type { StringKey } from "../i18n/strings.ts";
import { type Translate, useT } from "../i18n/useT.ts";
import { useSyncState } from "../sync/hooks.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { useTableVotes, useThemes } from "../workshop/hooks.ts";
import "./voting.css";

interface VotingProps {
  /** The facilitator's themes, read only. */
  readonly synthesis: SyncedDoc;
  /** This table's document: its dots live there, shared by every tablet at the table. */
  readonly table: SyncedDoc;
  readonly meta: MetaState;
}

/**
 * The table's dots on the active round's themes, while the facilitator has voting open. The
 * budget counts only dots on themes that still exist in this round (see `shared/schema/votes.ts`).
 */
export function Voting({ synthesis, table, meta }: VotingProps) {
  const t = useT();
  const headingId = useId();
  const hintId = useId();
  const themes = useThemes(synthesis, meta.activeRoundId);
  const votes = useTableVotes(table);
  const synced = useSyncState(synthesis).serverSynced;
  const themeIds = themes.map((theme) => theme.id);
  const left = dotsLeft(votes, themeIds, meta.dotsPerTable);

  const change = (themeId: ThemeId, by: 1 | -1) => {
    const current = dotsOn(votes, themeId);
    if (by > 0 ? left <= 0 : current <= 0) return;
    setVotes(table.doc, themeId, current + by);
  };

  return (
    <section className="voting" aria-labelledby={headingId} aria-describedby={hintId}>
      <div className="voting__header">
        <h3 id={headingId}>{t("votingHeading")}</h3>
        {/* Polite, so every tablet at the table hears what is left when anyone votes. */}
        <p className="voting__left" role="status">
          <Dots filled={left} className="voting__budget" />
          {t("votingDotsLeft", { n: left, total: meta.dotsPerTable })}
        </p>
      </div>
      <p id={hintId} className="hint">
        {t("votingHint")}
      </p>
      {themes.length === 0 ? (
        <p className="empty">{t(synced ? "votingNoThemes" : "votingLoading")}</p>
      ) : (
        <ul className="voting__themes">
          {themes.map((theme) => (
            <ThemeRow
              key={theme.id}
              theme={theme}
              dots={dotsOn(votes, theme.id)}
              canAdd={left > 0}
              language={meta.language}
              t={t}
              onChange={(by) => change(theme.id, by)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

interface ThemeRowProps {
  readonly theme: ThemeView;
  readonly dots: number;
  readonly canAdd: boolean;
  readonly language: MetaState["language"];
  readonly t: Translate;
  readonly onChange: (by: 1 | -1) => void;
}

function ThemeRow({ theme, dots, canAdd, language, t, onChange }: ThemeRowProps) {
  const title = theme.title.trim();
  return (
    <li className="voting__theme">
      <span className="voting__title">
        {title === "" ? t("votingUntitledTheme") : <span lang={language}>{title}</span>}
      </span>
      <span className="voting__tally">
        <Dots filled={dots} className="voting__on-theme" />
        <span className="voting__count">
          {dots === 1 ? t("votingOneDotOnTheme") : t("votingDotsOnTheme", { n: dots })}
        </span>
      </span>
      <span className="voting__buttons">
        {/* aria-disabled rather than disabled: a disabled button would drop the keyboard focus. */}
        <DotButton
          symbol="−"
          label="votingRemoveDot"
          title={title}
          language={language}
          t={t}
          enabled={dots > 0}
          onPress={() => onChange(-1)}
        />
        <DotButton
          symbol="+"
          label="votingAddDot"
          title={title}
          language={language}
          t={t}
          enabled={canAdd}
          onPress={() => onChange(1)}
        />
      </span>
    </li>
  );
}

interface DotButtonProps {
  readonly symbol: string;
  readonly label: StringKey;
  readonly title: string;
  readonly language: MetaState["language"];
  readonly t: Translate;
  readonly enabled: boolean;
  readonly onPress: () => void;
}

/** A − or + button whose name says what it does to which theme, the title marked with its language. */
function DotButton({ symbol, label, title, language, t, enabled, onPress }: DotButtonProps) {
  // Split the sentence around the theme so the title can carry the workshop's language.
  const marker = "\u0000";
  const [before = "", after = ""] = t(label, { theme: marker }).split(marker);
  return (
    <button
      type="button"
      className="button voting__button"
      aria-disabled={!enabled}
      onClick={() => {
        if (enabled) onPress();
      }}
    >
      <span aria-hidden="true">{symbol}</span>
      <span className="visually-hidden">
        {before}
        {title === "" ? t("votingUntitledTheme") : <span lang={language}>{title}</span>}
        {after}
      </span>
    </button>
  );
}

/** Dots to look at; the text beside them says the same for screen readers. */
function Dots({ filled, className }: { filled: number; className: string }) {
  // Capped so that a garbled count cannot make the tablet draw thousands of dots.
  const count = Math.min(Math.max(0, filled), MAX_DOTS_PER_TABLE);
  if (count === 0) return null;
  return (
    <span className={`voting__dots ${className}`} aria-hidden="true">
      {Array.from({ length: count }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: identical dots; the index is their identity.
        <span key={index} className="voting__dot" />
      ))}
    </span>
  );
}

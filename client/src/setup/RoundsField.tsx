import type { Translate } from "../i18n/useT.ts";
import { ItemList } from "./ItemList.tsx";
import { fieldId, LIMITS, newRound, type RoundDraft, type SetupDraft, word } from "./model.ts";
import { TextField } from "./TextField.tsx";

interface RoundsFieldProps {
  readonly draft: SetupDraft;
  readonly onChange: (rounds: readonly RoundDraft[]) => void;
  readonly errorFor: (id: string) => string | undefined;
  readonly focus: (id: string) => void;
  readonly t: Translate;
}

/** The day's rounds: each a focus theme and its prompts (at first the two default questions). */
export function RoundsField({ draft, onChange, errorFor, focus, t }: RoundsFieldProps) {
  const { rounds, language } = draft;
  const full = rounds.length >= LIMITS.rounds;

  function update(index: number, patch: Partial<RoundDraft>) {
    onChange(rounds.map((round, i) => (i === index ? { ...round, ...patch } : round)));
  }

  function add() {
    if (full) return;
    const round = newRound(language);
    onChange([...rounds, round]);
    focus(fieldId.roundTitle(round.key));
  }

  function remove(index: number) {
    const next = rounds.filter((_, i) => i !== index);
    onChange(next);
    const neighbour = next[index] ?? next[index - 1];
    focus(neighbour === undefined ? fieldId.addRound : fieldId.roundTitle(neighbour.key));
  }

  return (
    <fieldset className="setup-section">
      <legend>
        <h2>{t("setupRoundsLegend")}</h2>
      </legend>
      <p className="hint">{t("setupRoundsHint")}</p>
      <ol className="rounds">
        {rounds.map((round, r) => {
          const n = r + 1;
          return (
            <li key={round.key} className="round">
              <fieldset className="round__fieldset">
                <legend className="round__legend">{t("setupRoundHeading", { n })}</legend>
                <TextField
                  id={fieldId.roundTitle(round.key)}
                  label={t("setupRoundTitleLabel", { n })}
                  hint={t("setupRoundTitleHint", { fallback: `${word(language, "setupRoundWord")} ${n}` })}
                  error={errorFor(fieldId.roundTitle(round.key))}
                  value={round.title}
                  onChange={(title) => update(r, { title })}
                  lang={language}
                />
                <ItemList
                  items={round.prompts}
                  onChange={(prompts) => update(r, { prompts })}
                  idOf={(key) => fieldId.prompt(round.key, key)}
                  label={(p) => t("setupPromptLabel", { p, n })}
                  removeLabel={(p) => t("setupRemovePrompt", { p, n })}
                  removeText={t("setupRemove")}
                  addLabel={t("setupAddPrompt", { n })}
                  addId={fieldId.addPrompt(round.key)}
                  min={1}
                  max={LIMITS.prompts}
                  maxHint={t("setupMaxPrompts", { max: LIMITS.prompts })}
                  errorFor={errorFor}
                  focus={focus}
                  lang={language}
                />
                {rounds.length > 1 && (
                  <button
                    type="button"
                    className="button button--quiet round__remove"
                    onClick={() => remove(r)}
                  >
                    {t("setupRemoveRound", { n })}
                  </button>
                )}
              </fieldset>
            </li>
          );
        })}
      </ol>
      <button
        id={fieldId.addRound}
        type="button"
        className="button"
        onClick={add}
        aria-disabled={full || undefined}
        aria-describedby={full ? `${fieldId.addRound}-max` : undefined}
      >
        <span aria-hidden="true">+ </span>
        {t("setupAddRound")}
      </button>
      {full && (
        <p id={`${fieldId.addRound}-max`} className="hint">
          {t("setupMaxRounds", { max: LIMITS.rounds })}
        </p>
      )}
    </fieldset>
  );
}

import type { Translate } from "../i18n/useT.ts";
import { ItemList } from "./ItemList.tsx";
import { fieldId, type Item, item, LIMITS, type SetupDraft } from "./model.ts";
import { SUGGESTED_PERSPECTIVES } from "./perspectives.ts";

interface PerspectivesFieldProps {
  readonly draft: SetupDraft;
  readonly onChange: (perspectives: readonly Item[]) => void;
  readonly errorFor: (id: string) => string | undefined;
  readonly focus: (id: string) => void;
  readonly t: Translate;
}

/** Optional fields (perspectives) a note can carry; suggestions from the day Samla is built for. */
export function PerspectivesField({ draft, onChange, errorFor, focus, t }: PerspectivesFieldProps) {
  const { perspectives, language } = draft;
  const full = perspectives.length >= LIMITS.perspectives;
  const picked = (label: string) => perspectives.some((p) => p.text.trim() === label);

  // A toggle, not an "add" that disappears: the button stays where the focus is.
  function toggle(label: string) {
    if (picked(label)) onChange(perspectives.filter((p) => p.text.trim() !== label));
    else if (!full) onChange([...perspectives, item(label)]);
  }

  return (
    <fieldset className="setup-section">
      <legend>
        <h2>{t("setupPerspectivesLegend")}</h2>
      </legend>
      <p className="hint">{t("setupPerspectivesHint")}</p>
      <div className="suggestions">
        <p id="setup-suggestions-label" className="suggestions__label">
          {t("setupSuggestions")} <span className="hint">{t("setupSuggestionsHint")}</span>
        </p>
        <ul className="suggestions__list" aria-labelledby="setup-suggestions-label">
          {SUGGESTED_PERSPECTIVES[language].map((label) => (
            <li key={label}>
              <button
                type="button"
                className="button suggestion"
                aria-pressed={picked(label)}
                lang={language}
                onClick={() => toggle(label)}
              >
                <span aria-hidden="true" className="suggestion__mark">
                  {picked(label) ? "✓" : "+"}
                </span>
                {label}
              </button>
            </li>
          ))}
        </ul>
      </div>
      {perspectives.length === 0 && <p className="empty">{t("setupNoPerspectives")}</p>}
      <ItemList
        items={perspectives}
        onChange={onChange}
        idOf={fieldId.perspective}
        label={(n) => t("setupPerspectiveLabel", { n })}
        removeLabel={(n) => t("setupRemovePerspective", { n })}
        removeText={t("setupRemove")}
        addLabel={t("setupAddPerspective")}
        addId={fieldId.addPerspective}
        min={0}
        max={LIMITS.perspectives}
        maxHint={t("setupMaxPerspectives", { max: LIMITS.perspectives })}
        errorFor={errorFor}
        focus={focus}
        lang={language}
      />
    </fieldset>
  );
}

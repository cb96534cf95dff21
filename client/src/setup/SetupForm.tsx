import { type FormEvent, useEffect, useRef, useState } from "react";
import type { CreateWorkshopResponse } from "../../../shared/api.ts";
import { isLanguage, LANGUAGES } from "../../../shared/schema/language.ts";
import { api } from "../api.ts";
import { type Translate, useLanguage, useT } from "../i18n/useT.ts";
import { ErrorSummary, type SummaryEntry } from "./ErrorSummary.tsx";
import {
  type FieldError,
  fieldId,
  initialDraft,
  type SetupDraft,
  switchLanguage,
  toRequest,
  validate,
} from "./model.ts";
import { PerspectivesField } from "./PerspectivesField.tsx";
import { RoundsField } from "./RoundsField.tsx";
import { TablesField } from "./TablesField.tsx";
import { TextField } from "./TextField.tsx";
import { useFocusRequest } from "./useFocusRequest.ts";

export interface Created {
  readonly title: string;
  readonly response: CreateWorkshopResponse;
}

function fieldMessage(error: FieldError, t: Translate): string {
  const field = error.label ? t(error.label.key, error.label.params) : "";
  return t(error.message, { ...error.params, field });
}

/** The server's refusal in words; the codes are stable, the messages are for developers. */
function serverMessage(result: { status: number; code: string; message: string }, t: Translate): string {
  if (result.code === "NETWORK") return t("setupErrorNetwork");
  if (result.status >= 400 && result.status < 500)
    return t("setupErrorRejected", { message: result.message });
  return t("setupErrorServer", { code: result.code });
}

/** `/new`: everything the day needs, checked before it is sent. */
export function SetupForm({ onCreated }: { onCreated: (created: Created) => void }) {
  const t = useT();
  const interfaceLanguage = useLanguage();
  // The workshop's language starts as the interface's; from then on they are separate choices.
  const [draft, setDraft] = useState<SetupDraft>(() => initialDraft(interfaceLanguage));
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [summaryFocus, setSummaryFocus] = useState(0);
  const summary = useRef<HTMLElement>(null);
  const focus = useFocusRequest();

  // Once the facilitator has tried to submit, errors follow their edits: fixed ones go away.
  const errors = submitted ? validate(draft) : [];
  const messages = new Map(errors.map((error) => [error.field, fieldMessage(error, t)]));
  const errorFor = (id: string) => messages.get(id);
  const entries: SummaryEntry[] = [...messages].map(([field, message]) => ({ field, message }));
  if (serverError !== null) entries.push({ message: serverError });

  useEffect(() => {
    if (summaryFocus > 0) summary.current?.focus();
  }, [summaryFocus]);

  const update = (patch: Partial<SetupDraft>) => setDraft((current) => ({ ...current, ...patch }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setServerError(null);
    if (validate(draft).length > 0) {
      setSummaryFocus((n) => n + 1);
      return;
    }
    setBusy(true);
    const result = await api<CreateWorkshopResponse>("POST", "/api/workshops", { body: toRequest(draft) });
    setBusy(false);
    if (result.ok) {
      onCreated({ title: draft.title.trim(), response: result.body });
      return;
    }
    setServerError(serverMessage(result, t));
    setSummaryFocus((n) => n + 1);
  }

  return (
    <>
      <ErrorSummary ref={summary} title={t("setupErrorSummary")} entries={entries} />
      <form className="setup-form" onSubmit={submit} noValidate>
        <div className="setup-section">
          <TextField
            id={fieldId.title}
            className="field--title"
            label={
              <>
                {t("setupTitleLabel")} <span aria-hidden="true">*</span>
              </>
            }
            hint={t("setupTitleHint")}
            error={errorFor(fieldId.title)}
            value={draft.title}
            onChange={(title) => update({ title })}
            required
            lang={draft.language}
          />
          <fieldset className="field" aria-describedby="setup-language-hint">
            <legend className="field__label">{t("setupLanguageLegend")}</legend>
            <p className="hint" id="setup-language-hint">
              {t("setupLanguageHint")}
            </p>
            <div className="choices">
              {LANGUAGES.map((language) => (
                <label key={language} className="choice" lang={language}>
                  <input
                    type="radio"
                    name="workshop-language"
                    value={language}
                    checked={draft.language === language}
                    onChange={(event) => {
                      const next = event.target.value;
                      if (isLanguage(next)) setDraft((current) => switchLanguage(current, next));
                    }}
                  />
                  {language === "sv" ? t("languageSv") : t("languageEn")}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        <RoundsField
          draft={draft}
          onChange={(rounds) => update({ rounds })}
          errorFor={errorFor}
          focus={focus}
          t={t}
        />
        <TablesField draft={draft} onChange={update} errorFor={errorFor} focus={focus} t={t} />
        <PerspectivesField
          draft={draft}
          onChange={(perspectives) => update({ perspectives })}
          errorFor={errorFor}
          focus={focus}
          t={t}
        />
        <div className="setup-form__submit">
          <button
            type="submit"
            className="button button--primary button--large"
            aria-disabled={busy || undefined}
          >
            {t("setupSubmit")}
          </button>
          <p role="status" className="hint">
            {busy ? t("setupSubmitting") : ""}
          </p>
        </div>
      </form>
    </>
  );
}

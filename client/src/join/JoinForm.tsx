import { type FormEvent, useId, useState } from "react";
import type { StringKey } from "../i18n/strings.ts";
import { useT } from "../i18n/useT.ts";
import { boardPath, navigate } from "../routes.ts";
import { joinTable } from "../session/joinTable.ts";

/** Type the code from the table card, join, land on the board. */
export function JoinForm({
  initialCode = "",
  initialError = null,
}: {
  initialCode?: string;
  initialError?: StringKey | null;
}) {
  const t = useT();
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const [code, setCode] = useState(initialCode);
  const [error, setError] = useState<StringKey | null>(initialError);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await joinTable(code);
    setBusy(false);
    if (result.ok) navigate(boardPath(result.join.workshopId, result.join.tableId));
    else setError(result.error);
  }

  return (
    <form className="join-form" onSubmit={submit} noValidate>
      <label htmlFor={inputId}>{t("joinCodeLabel")}</label>
      <p id={hintId} className="hint">
        {t("joinCodeHint")}
      </p>
      <input
        id={inputId}
        className="join-form__code"
        value={code}
        onChange={(event) => setCode(event.target.value)}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        inputMode="text"
        maxLength={12}
        aria-describedby={error ? `${hintId} ${errorId}` : hintId}
        aria-invalid={error !== null}
      />
      {error && (
        <p id={errorId} className="error" role="alert">
          {t(error)}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? t("joining") : t("joinButton")}
      </button>
    </form>
  );
}

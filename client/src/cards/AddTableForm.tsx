import { type FormEvent, useState } from "react";
import type { TableLink } from "../../../shared/api.ts";
import type { ApiResult } from "../api.ts";
import { useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";

const MAX_NAME = 80;

/** A table added during the day: named here, its card appears last, ready to print. */
export function AddTableForm({ onAdd }: { onAdd: (name: string) => Promise<ApiResult<TableLink>> }) {
  const t = useT();
  const announce = useAppStore((state) => state.announce);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const trimmed = name.trim();
    if (!/[^\s\p{Cc}\p{Cf}]/u.test(trimmed)) return setError(t("cardsAddEmpty"));
    if (trimmed.length > MAX_NAME) return setError(t("cardsAddTooLong", { max: MAX_NAME }));
    setBusy(true);
    const result = await onAdd(trimmed);
    setBusy(false);
    if (!result.ok) return setError(t("cardsAddFailed", { message: result.message }));
    setError(null);
    setName("");
    announce(t("cardsAdded", { table: result.body.name }));
  }

  return (
    <form className="cards-add" onSubmit={submit} noValidate aria-labelledby="cards-add-heading">
      <h2 id="cards-add-heading">{t("cardsAddHeading")}</h2>
      <label htmlFor="cards-add-name" className="cards-add__label">
        {t("cardsAddLabel")}
      </label>
      {error && (
        <p id="cards-add-error" className="error" role="alert">
          {error}
        </p>
      )}
      <div className="cards-add__row">
        <input
          id="cards-add-name"
          className="cards-add__input"
          type="text"
          value={name}
          autoComplete="off"
          onChange={(event) => setName(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "cards-add-error" : undefined}
        />
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {busy ? t("cardsAdding") : t("cardsAddButton")}
        </button>
      </div>
    </form>
  );
}

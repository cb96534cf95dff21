import { useRef, useState } from "react";
import { useT } from "../i18n/useT.ts";

type CopyState = "idle" | "copied" | "selected";

/**
 * A link to keep: shown in a read-only field and copied with one press. Where the clipboard
 * is not available (plain http on a LAN is not a secure context), the text is selected instead.
 */
export function CopyField({
  id,
  label,
  value,
  describedBy,
}: {
  id: string;
  label: string;
  value: string;
  /** A warning or hint about this link, read with the field. */
  describedBy?: string;
}) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<CopyState>("idle");

  function select() {
    input.current?.focus();
    input.current?.select();
    setState("selected");
  }

  async function copy() {
    const clipboard: Clipboard | undefined = navigator.clipboard;
    if (clipboard === undefined) return select();
    try {
      await clipboard.writeText(value);
      setState("copied");
    } catch {
      select();
    }
  }

  return (
    <div className="copy-field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <div className="copy-field__row">
        <input
          ref={input}
          id={id}
          className="field__input copy-field__input"
          type="text"
          readOnly
          value={value}
          spellCheck={false}
          aria-describedby={describedBy}
          onFocus={(event) => event.target.select()}
        />
        <button
          type="button"
          className="button"
          aria-label={t("setupCopyLabel", { what: label.toLocaleLowerCase() })}
          onClick={copy}
        >
          {t("setupCopy")}
        </button>
      </div>
      <p role="status" className="hint copy-field__status">
        {state === "copied" ? t("setupCopied") : state === "selected" ? t("setupCopySelected") : ""}
      </p>
    </div>
  );
}

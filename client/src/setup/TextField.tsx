import type { ReactNode } from "react";

/**
 * A labelled text input with its hint and its error. An error marks the field invalid and is
 * read with it (`aria-describedby`), as the error summary's link lands here.
 */
export function TextField({
  id,
  label,
  hint,
  error,
  value,
  onChange,
  required = false,
  inputMode,
  className = "",
  lang,
}: {
  id: string;
  label: ReactNode;
  hint?: string | undefined;
  error?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  inputMode?: "numeric" | "text";
  className?: string;
  lang?: string;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter((part) => part !== null);
  return (
    <div className={`field ${className}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error error">
          {error}
        </p>
      )}
      <input
        id={id}
        className="field__input"
        type="text"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy.length > 0 ? describedBy.join(" ") : undefined}
        aria-required={required || undefined}
        inputMode={inputMode}
        autoComplete="off"
        lang={lang}
      />
    </div>
  );
}

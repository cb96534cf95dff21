import type { Ref } from "react";

export interface SummaryEntry {
  /** The field's id, for the link; none for an error of the whole form (the server's). */
  readonly field?: string;
  readonly message: string;
}

/**
 * What stops the form, at the top: the focus moves here on submit, and each entry links to
 * its field (the GOV.UK pattern, which screen reader users know).
 */
export function ErrorSummary({
  title,
  entries,
  ref,
}: {
  title: string;
  entries: readonly SummaryEntry[];
  ref: Ref<HTMLElement>;
}) {
  if (entries.length === 0) return null;
  return (
    <section ref={ref} className="error-summary" tabIndex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title" className="error-summary__title">
        {title}
      </h2>
      <ul className="error-summary__list">
        {entries.map((entry) => (
          // A field has at most one error; the server's error has no field.
          <li key={entry.field ?? "form"}>
            {entry.field === undefined ? (
              entry.message
            ) : (
              <a
                href={`#${entry.field}`}
                onClick={(event) => {
                  // Focus the field itself (scrolling to it), without touching the address.
                  event.preventDefault();
                  document.getElementById(entry.field ?? "")?.focus();
                }}
              >
                {entry.message}
              </a>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

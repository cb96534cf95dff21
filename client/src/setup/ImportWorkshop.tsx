import { type FormEvent, useId, useRef, useState } from "react";
import type { ImportWorkshopResponse } from "../../../shared/api.ts";
import { ARCHIVE_FORMAT } from "../../../shared/archive.ts";
import { api } from "../api.ts";
import { useT } from "../i18n/useT.ts";
import type { Created } from "./SetupForm.tsx";

type Problem =
  | { readonly key: "importErrorNoFile" | "importErrorUnreadable" | "importErrorNotJson" }
  | { readonly key: "importErrorNotArchive" | "importErrorTooLarge" | "importErrorNetwork" }
  | { readonly key: "importErrorRejected"; readonly message: string }
  | { readonly key: "importErrorServer"; readonly code: string };

/**
 * Restores an archive (`export.json`) as a new workshop: the server checks it completely and
 * names what is wrong; here only what it cannot say in plain words (not JSON, not an archive).
 */
export function ImportWorkshop({ onImported }: { onImported: (created: Created) => void }) {
  const t = useT();
  const ids = { heading: useId(), intro: useId(), file: useId(), error: useId() };
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  // `attempt` re-announces the same problem on a second try.
  const [problem, setProblem] = useState<(Problem & { readonly attempt: number }) | null>(null);

  const fail = (next: Problem) =>
    setProblem((current) => ({ ...next, attempt: (current?.attempt ?? 0) + 1 }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const file = input.current?.files?.[0];
    if (file === undefined) {
      fail({ key: "importErrorNoFile" });
      input.current?.focus();
      return;
    }
    setBusy(true);
    const outcome = await restore(file);
    setBusy(false);
    if ("response" in outcome) onImported({ ...outcome, title: outcome.title || t("importUntitled") });
    else fail(outcome);
  }

  function message(p: Problem): string {
    if (p.key === "importErrorRejected") return t(p.key, { message: p.message });
    if (p.key === "importErrorServer") return t(p.key, { code: p.code });
    return t(p.key);
  }

  return (
    <section className="setup-section import-workshop" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>{t("importHeading")}</h2>
      <p id={ids.intro} className="hint">
        {t("importIntro")}
      </p>
      <form className="field" onSubmit={submit} noValidate>
        <label htmlFor={ids.file} className="field__label">
          {t("importFileLabel")}
        </label>
        <input
          ref={input}
          id={ids.file}
          className="field__input"
          type="file"
          accept=".json,application/json"
          aria-describedby={problem === null ? ids.intro : `${ids.intro} ${ids.error}`}
          aria-invalid={problem !== null}
          onChange={() => setProblem(null)}
        />
        {problem !== null && (
          <p key={problem.attempt} id={ids.error} role="alert" className="field__error error">
            {message(problem)}
          </p>
        )}
        <div>
          <button type="submit" className="button button--primary" aria-disabled={busy}>
            {busy ? t("importBusy") : t("importSubmit")}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Reads, parses and sends the archive; a new workshop, or what stopped it. */
async function restore(file: File): Promise<Created | Problem> {
  let text: string;
  try {
    text = await file.text();
  } catch {
    return { key: "importErrorUnreadable" };
  }
  let archive: unknown;
  try {
    archive = JSON.parse(text);
  } catch {
    return { key: "importErrorNotJson" };
  }
  if (field(archive, "format") !== ARCHIVE_FORMAT) return { key: "importErrorNotArchive" };
  const result = await api<ImportWorkshopResponse>("POST", "/api/workshops/import", { body: archive });
  if (result.ok) return { title: archiveTitle(archive), response: result.body };
  if (result.code === "NETWORK") return { key: "importErrorNetwork" };
  if (result.status === 413) return { key: "importErrorTooLarge" };
  // The server's message names each problem and where (docs/archive.md).
  if (result.status === 400) return { key: "importErrorRejected", message: result.message };
  return { key: "importErrorServer", code: result.code };
}

/** `value[name]` when `value` is a JSON object; what the archive says, never trusted further. */
function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** The workshop's title from the archive's readable meta, for the result's heading. */
function archiveTitle(archive: unknown): string {
  const title = field(field(field(archive, "meta"), "content"), "title");
  return typeof title === "string" ? title : "";
}

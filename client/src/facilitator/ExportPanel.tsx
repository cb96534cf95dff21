import { useEffect, useId, useRef, useState } from "react";
import type { WorkshopId } from "../../../shared/ids.ts";
import type { StringKey } from "../i18n/strings.ts";
import { useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";

interface ExportPanelProps {
  readonly workshopId: WorkshopId;
  readonly facilitatorKey: string;
  /** For the file name when the server does not suggest one. */
  readonly title: string;
}

type Kind = "md" | "json";
type Action = "markdown" | "copy" | "archive";
type Fetched =
  | { readonly ok: true; readonly blob: Blob; readonly filename: string }
  | { readonly ok: false; readonly error: StringKey };

/** After the day: the Markdown report (download or copy) and the lossless archive. */
export function ExportPanel({ workshopId, facilitatorKey, title }: ExportPanelProps) {
  const t = useT();
  const announce = useAppStore((state) => state.announce);
  const ids = { heading: useId(), intro: useId(), archiveHint: useId(), archiveWarning: useId() };
  const [busy, setBusy] = useState<Action | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // A key, not a text, so a language switch translates it; `attempt` re-announces a repeated error.
  const [error, setError] = useState<{ readonly key: StringKey; readonly attempt: number } | null>(null);
  const [fallback, setFallback] = useState<string | null>(null);

  /** `use` says what happened, or null when the focus already tells (the fallback textarea). */
  async function run(
    action: Action,
    kind: Kind,
    use: (fetched: Blob, filename: string) => Promise<string | null>,
  ) {
    if (busy !== null) return;
    setBusy(action);
    setDone(null);
    setError(null);
    const fetched = await fetchExport(workshopId, facilitatorKey, kind, title);
    if (fetched.ok) {
      const message = await use(fetched.blob, fetched.filename);
      setDone(message);
      if (message !== null) announce(message);
    } else {
      setError((current) => ({ key: fetched.error, attempt: (current?.attempt ?? 0) + 1 }));
    }
    setBusy(null);
  }

  const download = async (blob: Blob, filename: string) => {
    saveBlob(blob, filename);
    return t("exportDownloaded", { file: filename });
  };

  const copy = async (blob: Blob) => {
    const text = await blob.text();
    try {
      // Missing where the page is not a secure context (plain http on a LAN).
      const clipboard: Clipboard | undefined = navigator.clipboard;
      if (clipboard === undefined) throw new Error("no clipboard");
      await clipboard.writeText(text);
      setFallback(null);
      return t("exportCopied");
    } catch {
      setFallback(text);
      return null;
    }
  };

  return (
    <section className="export-panel" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>{t("exportHeading")}</h2>
      <p id={ids.intro} className="hint">
        {t("exportIntro")}
      </p>
      <div className="control__buttons">
        <button
          type="button"
          className="button"
          aria-describedby={ids.intro}
          aria-disabled={busy !== null}
          onClick={() => run("markdown", "md", download)}
        >
          {t("exportMarkdown")}
        </button>
        <button
          type="button"
          className="button"
          aria-describedby={ids.intro}
          aria-disabled={busy !== null}
          onClick={() => run("copy", "md", copy)}
        >
          {t("exportCopyMarkdown")}
        </button>
      </div>
      {fallback !== null && <CopyFallback text={fallback} />}
      <p id={ids.archiveHint} className="hint">
        {t("exportArchiveHint")}
      </p>
      <p id={ids.archiveWarning}>
        <strong>{t("exportArchiveWarning")}</strong>
      </p>
      <div className="control__buttons">
        <button
          type="button"
          className="button"
          aria-describedby={`${ids.archiveHint} ${ids.archiveWarning}`}
          aria-disabled={busy !== null}
          onClick={() => run("archive", "json", download)}
        >
          {t("exportDownloadArchive")}
        </button>
      </div>
      {/* Visible only: the store's announcer already speaks the outcome. */}
      <p className="hint">{busy !== null ? t("exportBusy") : (done ?? "")}</p>
      {error !== null && (
        <p key={error.attempt} role="alert" className="error">
          {t(error.key)}
        </p>
      )}
    </section>
  );
}

/** Where the clipboard refuses: the report, selected, for Ctrl/Cmd+C. */
function CopyFallback({ text }: { text: string }) {
  const t = useT();
  const id = useId();
  const hintId = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    area.current?.focus();
    area.current?.select();
  }, []);
  return (
    <div className="insight-form">
      <label htmlFor={id}>{t("exportCopyFallbackLabel")}</label>
      <p id={hintId} className="hint">
        {t("exportCopyFallbackHint")}
      </p>
      <textarea
        ref={area}
        id={id}
        readOnly
        rows={12}
        value={text}
        spellCheck={false}
        aria-describedby={hintId}
        onFocus={(event) => event.target.select()}
      />
    </div>
  );
}

/** The export with the key in a header (so not a plain link), as a Blob with its file name. */
async function fetchExport(workshopId: WorkshopId, key: string, kind: Kind, title: string): Promise<Fetched> {
  let response: Response;
  let blob: Blob;
  try {
    response = await fetch(`/api/workshops/${workshopId}/export.${kind}`, {
      headers: { authorization: `Bearer ${key}` },
      cache: "no-store",
    });
    if (!response.ok) return { ok: false, error: errorFor(response.status) };
    blob = await response.blob();
  } catch {
    return { ok: false, error: "exportErrorNetwork" };
  }
  const fallback = `${slug(title)}${kind === "md" ? ".md" : ".samla.json"}`;
  return { ok: true, blob, filename: filenameFrom(response.headers.get("content-disposition"), fallback) };
}

function errorFor(status: number): StringKey {
  if (status === 401 || status === 403) return "exportErrorKey";
  if (status === 404 || status === 410) return "exportErrorGone";
  return "exportErrorServer";
}

function filenameFrom(disposition: string | null, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(disposition ?? "") ?? /filename=([^;\s]+)/.exec(disposition ?? "");
  return match?.[1] ?? fallback;
}

/** As the server names the file (ASCII, lower case), for when no content-disposition came through. */
function slug(title: string): string {
  const ascii = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 60)
    .replace(/^-+|-+$/g, "");
  return ascii === "" ? "workshop" : ascii;
}

/** Downloads a Blob through a temporary `<a download>`: the only way to save a fetched file. */
function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Not at once: the browser reads the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

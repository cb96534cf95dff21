import { useId } from "react";
import { metaParts } from "../../../shared/schema/meta.ts";
import { readStartingPoint } from "../../../shared/schema/startingPoint.ts";
import type { InsightKind } from "../../../shared/schema/synthesis.ts";
import type { StringKey } from "../i18n/strings.ts";
import { useLanguage, useT } from "../i18n/useT.ts";
import { jsonEqual, useYValue } from "../sync/hooks.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";

const KINDS: Readonly<Record<InsightKind, StringKey>> = {
  conclusion: "startingPointKindConclusion",
  insight: "startingPointKindInsight",
  action: "startingPointKindAction",
};

/**
 * A follow-up's starting point: the earlier day's conclusions, read-only. Shown on the
 * tablets, the console and the screen; nothing when the workshop is not a follow-up.
 */
export function StartingPointView({ meta, language }: { meta: SyncedDoc; language: string }) {
  const t = useT();
  const locale = useLanguage() === "sv" ? "sv-SE" : "en-GB";
  const headingId = useId();
  const point = useYValue(metaParts(meta.doc).workshop, () => readStartingPoint(meta.doc), jsonEqual);
  if (point === null || point.items.length === 0) return null;
  const date = new Date(point.date).toLocaleDateString(locale, { dateStyle: "long" });
  return (
    <section className="starting-point" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("startingPointHeading")}</h2>
      <p className="hint">{t("startingPointFrom", { title: point.title, date })}</p>
      <ul>
        {point.items.map((item, index) => (
          // Read-only and never reordered: the position is a stable key.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above.
          <li key={index}>
            <strong>{t(KINDS[item.kind])}:</strong> <span lang={language}>{item.text}</span>
            {item.themes.length > 0 && <span className="hint"> ({item.themes.join(", ")})</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

import type { CreateWorkshopResponse } from "../../shared/api.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { FOLLOW_UP_PROMPTS, type Language } from "../../shared/schema/language.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import type { StartingPointItem } from "../../shared/schema/startingPoint.ts";
import { allInsights, allThemes, INSIGHT_KINDS } from "../../shared/schema/synthesis.ts";
import type { Store } from "../store/store.ts";
import { createWorkshop } from "./createWorkshop.ts";
import { readWorkshop } from "./readWorkshop.ts";

const FOLLOW_UP_TITLE: Record<Language, string> = { sv: "Uppföljning", en: "Follow-up" };
const REFLECTION_ROUND: Record<Language, string> = { sv: "Reflektion", en: "Reflection" };
const TITLE_MAX = 200;

/**
 * Starts a follow-up of a workshop: the same tables, fields and language, one reflection round
 * ("Vad har vi tagit med oss?" / "Vad har förändrats sedan dess?"), and the earlier day's
 * conclusions, insights and actions copied in as its read-only starting point. Null when the
 * earlier workshop does not exist.
 */
export async function startFollowUp(
  store: Store,
  publicUrl: string,
  originalId: WorkshopId,
  now: number = Date.now(),
): Promise<CreateWorkshopResponse | null> {
  const original = await readWorkshop(store, originalId);
  if (original === null) return null;
  try {
    const meta = readMeta(original.meta);
    const language = meta.language;
    const themeTitles = new Map(allThemes(original.synthesis).map((theme) => [theme.id, theme.title]));
    // Conclusions first, then insights, then actions; each kind in the order it was written.
    const items: StartingPointItem[] = INSIGHT_KINDS.flatMap((kind) =>
      allInsights(original.synthesis)
        .filter((insight) => insight.kind === kind)
        .map((insight) => ({
          kind,
          text: insight.text,
          themes: insight.themeIds.flatMap((id) => themeTitles.get(id) ?? []),
        })),
    );
    const tableNames = meta.tables.map((table) => table.name);
    return await createWorkshop(
      store,
      publicUrl,
      {
        title: `${FOLLOW_UP_TITLE[language]}: ${meta.title}`.slice(0, TITLE_MAX),
        language,
        tables: tableNames.length > 0 ? tableNames : undefined,
        rounds: [{ title: REFLECTION_ROUND[language], prompts: [...FOLLOW_UP_PROMPTS[language]] }],
        perspectives: meta.perspectives.map((perspective) => perspective.label),
      },
      now,
      { startingPoint: { workshopId: originalId, title: meta.title, date: meta.createdAt, items } },
    );
  } finally {
    original.destroy();
  }
}

import { createContext, useContext } from "react";
import { DEFAULT_LANGUAGE, type Language } from "../../../shared/schema/language.ts";
import { useLanguage } from "../i18n/useT.ts";

/**
 * The language the workshop's own text is written in (titles, notes), marked with `lang` so a
 * screen reader pronounces it right when the interface speaks another (WCAG 3.1.2).
 */
export const WorkshopLanguage = createContext<Language>(DEFAULT_LANGUAGE);

/**
 * The `lang` a note carries: the workshop's language where it is not the interface's (the page's
 * own `lang`), else none, since the note inherits it. 2,000 notes need not each carry an
 * attribute that says what the page already says.
 */
export function useNoteLanguage(): Language | undefined {
  const workshop = useContext(WorkshopLanguage);
  const page = useLanguage();
  return workshop === page ? undefined : workshop;
}

import { createContext } from "react";
import { DEFAULT_LANGUAGE, type Language } from "../../../shared/schema/language.ts";

/**
 * The language the workshop's own text is written in (titles, notes), marked with `lang` so a
 * screen reader pronounces it right when the interface speaks another (WCAG 3.1.2).
 */
export const WorkshopLanguage = createContext<Language>(DEFAULT_LANGUAGE);

import { useCallback } from "react";
import { DEFAULT_LANGUAGE, type Language } from "../../../shared/schema/language.ts";
import { useAppStore } from "../store/index.ts";
import { format, STRINGS, type StringKey } from "./strings.ts";

/** The language on screen: this device's choice, else the workshop's, else Swedish. */
export function useLanguage(): Language {
  return useAppStore((state) => state.deviceLanguage ?? state.workshopLanguage ?? DEFAULT_LANGUAGE);
}

export type Translate = (key: StringKey, params?: Readonly<Record<string, string | number>>) => string;

/** `t(key, params)`: the string in the current language. */
export function useT(): Translate {
  const language = useLanguage();
  return useCallback((key, params) => format(STRINGS[language][key], params), [language]);
}

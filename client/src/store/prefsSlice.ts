import type { StateCreator } from "zustand";
import { isLanguage, type Language } from "../../../shared/schema/language.ts";
import type { AppState } from "./index.ts";

const LANGUAGE_KEY = "samla.language";

/** Per-device preferences, kept in localStorage. */
export interface PrefsSlice {
  /** The language this device chose, overriding the workshop's; null follows the workshop. */
  readonly deviceLanguage: Language | null;
  /** The language of the workshop on screen, when one is open. */
  readonly workshopLanguage: Language | null;
  setDeviceLanguage(language: Language): void;
  setWorkshopLanguage(language: Language | null): void;
}

function storedLanguage(): Language | null {
  try {
    const value = globalThis.localStorage?.getItem(LANGUAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

export const createPrefsSlice: StateCreator<AppState, [], [], PrefsSlice> = (set) => ({
  deviceLanguage: storedLanguage(),
  workshopLanguage: null,
  setDeviceLanguage(language) {
    try {
      globalThis.localStorage?.setItem(LANGUAGE_KEY, language);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    set({ deviceLanguage: language });
  },
  setWorkshopLanguage(language) {
    set({ workshopLanguage: language });
  },
});

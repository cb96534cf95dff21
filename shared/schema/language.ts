/**
 * Workshop languages. Swedish is the default: the people Samla is built for write in Swedish.
 */
export const LANGUAGES = ["sv", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = "sv";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** The two questions every table discusses in each round, unless the facilitator writes others. */
export const DEFAULT_PROMPTS: Readonly<Record<Language, readonly [today: string, change: string]>> = {
  sv: ["Hur ser det ut i dag?", "Hur kan vi nå förändring?"],
  en: ["How does it look today?", "How can we reach change?"],
};

export function defaultPrompts(language: Language): readonly string[] {
  return DEFAULT_PROMPTS[language];
}

/** The reflection round of a follow-up meeting, weeks after the day. */
export const FOLLOW_UP_PROMPTS: Readonly<Record<Language, readonly [taken: string, changed: string]>> = {
  sv: ["Vad har vi tagit med oss?", "Vad har förändrats sedan dess?"],
  en: ["What have we taken with us?", "What has changed since?"],
};

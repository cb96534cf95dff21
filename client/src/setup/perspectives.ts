import type { Language } from "../../../shared/schema/language.ts";

/**
 * One-tap perspectives: the fields that met at the practitioner dialogue the product is built
 * for (docs: SCENARIO.md). Index for index the same field in each language, so switching the
 * workshop's language translates the ones picked.
 */
export const SUGGESTED_PERSPECTIVES: Readonly<Record<Language, readonly string[]>> = {
  sv: [
    "Mäns våld mot kvinnor",
    "Våldsbejakande extremism",
    "Hedersrelaterat våld och förtryck",
    "Skola och ungdom",
    "Socialtjänst",
    "Polis",
  ],
  en: [
    "Men's violence against women",
    "Violent extremism",
    "Honour-related violence and oppression",
    "School and youth",
    "Social services",
    "Police",
  ],
};

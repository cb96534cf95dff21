import { describe, expect, it } from "vitest";
import { AREAS, format, STRINGS, type StringKey } from "../../client/src/i18n/strings.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("strings", () => {
  const keys = Object.keys(STRINGS.sv) as StringKey[];

  it.each(keys)("%s is translated with the same placeholders", (key) => {
    expect(STRINGS.sv[key].trim()).not.toBe("");
    expect(STRINGS.en[key].trim()).not.toBe("");
    expect(placeholders(STRINGS.en[key])).toEqual(placeholders(STRINGS.sv[key]));
  });

  it("defines every key in one area only", () => {
    const seen = new Map<string, string>();
    for (const [area, strings] of Object.entries(AREAS)) {
      for (const key of Object.keys(strings)) {
        expect(seen.get(key), `"${key}" is in both ${seen.get(key)} and ${area}`).toBeUndefined();
        seen.set(key, area);
      }
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(format("Ny lapp under {prompt}", { prompt: "Hur ser det ut i dag?" })).toBe(
      "Ny lapp under Hur ser det ut i dag?",
    );
    expect(format("{n} enheter", { n: 3 })).toBe("3 enheter");
    expect(format("{missing} kvar")).toBe("{missing} kvar");
  });
});

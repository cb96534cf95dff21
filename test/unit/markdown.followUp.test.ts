import { Parser } from "commonmark";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../shared/export/markdown.ts";
import type { ReportInput } from "../../shared/export/reportInput.ts";
import type { WorkshopId } from "../../shared/ids.ts";

const base: ReportInput = {
  title: "Uppföljning: Praktikerdialog",
  language: "sv",
  createdAt: Date.UTC(2024, 2, 20),
  rounds: [],
  perspectives: [],
  tables: [],
  themes: [],
  insights: [],
};

function nodeTypes(markdown: string): string[] {
  const walker = new Parser().parse(markdown).walker();
  const types: string[] = [];
  for (let event = walker.next(); event; event = walker.next()) {
    if (event.entering) types.push(event.node.type);
  }
  return types;
}

describe("a follow-up's report", () => {
  it("opens with the earlier day's conclusions, naming that day", () => {
    const markdown = renderMarkdown({
      ...base,
      startingPoint: {
        workshopId: "W1" as WorkshopId,
        title: "Praktikerdialog",
        date: Date.UTC(2024, 1, 6),
        items: [
          { kind: "action", text: "Boka ett gemensamt möte varje månad.", themes: [] },
          { kind: "conclusion", text: "Ensam är inte stark.", themes: ["Stuprör och slump"] },
        ],
      },
    });
    expect(markdown).toContain("## Utgångspunkt\n\nUppföljning av Praktikerdialog, 2024-02-06");
    // Conclusions come before actions, whatever order they were given in.
    expect(markdown.indexOf("Ensam är inte stark")).toBeLessThan(markdown.indexOf("Boka ett gemensamt möte"));
    expect(markdown).toContain("- Ensam är inte stark. — Tema: Stuprör och slump");
  });

  it.each([
    "# [klicka](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|",
    "1. ett\n2. två",
    "![](http://example.com/spårning.png)",
  ])("keeps hostile text in a starting point literal: %j", (text) => {
    const markdown = renderMarkdown({
      ...base,
      startingPoint: {
        workshopId: "W1" as WorkshopId,
        title: text,
        date: 0,
        items: [{ kind: "insight", text, themes: [text] }],
      },
    });
    const types = nodeTypes(markdown);
    for (const forbidden of [
      "link",
      "image",
      "html_inline",
      "html_block",
      "code",
      "code_block",
      "block_quote",
    ]) {
      expect(types, markdown).not.toContain(forbidden);
    }
    // Our own structure only: the title, the section and kind headings; the summary's two items
    // (date, language) and the one starting-point item.
    expect(types.filter((type) => type === "heading")).toHaveLength(3);
    expect(types.filter((type) => type === "item")).toHaveLength(3);
  });
});

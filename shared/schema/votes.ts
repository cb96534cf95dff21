/**
 * Dot voting, computed from the documents: each table's `votes` map (table document) against the
 * themes that exist (synthesis document). Pure functions, so the tablet, the console and the tests
 * count the same way. DESIGN.md §2 step 5, docs/schema.md.
 */
import type { ThemeId } from "../ids.ts";
import type { Votes } from "./table.ts";

/**
 * The dots on each of `themeIds`, summed over every table. Every listed theme gets an entry (0
 * when no table voted for it); votes for other themes (deleted, or of another round) are left out,
 * and so is any entry that is not a positive integer (a peer may have stored junk).
 */
export function voteTotals(
  tableVotes: readonly Votes[],
  themeIds: readonly ThemeId[],
): Record<ThemeId, number> {
  // fromEntries defines own properties, so even a theme id like "__proto__" keeps its total.
  return Object.fromEntries(
    themeIds.map((themeId) => [themeId, tableVotes.reduce((sum, votes) => sum + dotsOn(votes, themeId), 0)]),
  );
}

/** The dots one table has put on `themeIds`: what counts against its `dotsPerTable`. */
export function dotsUsed(votes: Votes, themeIds: readonly ThemeId[]): number {
  return [...new Set(themeIds)].reduce((sum, themeId) => sum + dotsOn(votes, themeId), 0);
}

/**
 * The dots a table may still put on the round's themes. Never negative: the facilitator may lower
 * the budget after a table has voted, or two tablets may add a dot at once (the budget is the UI's).
 */
export function dotsLeft(votes: Votes, themeIds: readonly ThemeId[], dotsPerTable: number): number {
  return Math.max(0, dotsPerTable - dotsUsed(votes, themeIds));
}

/** A table's dots on one theme; 0 for anything that is not a positive integer. */
export function dotsOn(votes: Votes, themeId: ThemeId): number {
  if (!Object.hasOwn(votes, themeId)) return 0;
  const dots = votes[themeId];
  return typeof dots === "number" && Number.isInteger(dots) && dots > 0 ? dots : 0;
}

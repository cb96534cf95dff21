import { useMemo } from "react";
import type { RoundId } from "../../../shared/ids.ts";
import { type MetaState, readMeta } from "../../../shared/schema/meta.ts";
import {
  type InsightView,
  insightsFor,
  readSpotlight,
  type SpotlightTarget,
  synthesisParts,
  type ThemeView,
  themesFor,
} from "../../../shared/schema/synthesis.ts";
import { type NoteView, notesFor, readVotes, tableParts, type Votes } from "../../../shared/schema/table.ts";
import { docObservable, jsonEqual, useYValue } from "../sync/hooks.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";

/**
 * Read hooks over a workshop's documents, shared by the console and the screen. Each one
 * subscribes to the one Yjs type it reads and hands React a new value only when it changed.
 */

export function useMetaState(meta: SyncedDoc): MetaState {
  const changes = useMemo(() => docObservable(meta.doc), [meta]);
  return useYValue(changes, () => readMeta(meta.doc), jsonEqual);
}

/** A table's notes in a round, in writing order. Hidden notes only if asked for (the console). */
export function useTableNotes(table: SyncedDoc, roundId: RoundId | null, includeHidden = false): NoteView[] {
  return useYValue(
    tableParts(table.doc).notes,
    () => (roundId === null ? [] : notesFor(table.doc, roundId, undefined, { includeHidden })),
    jsonEqual,
    [roundId, includeHidden],
  );
}

export function useTableVotes(table: SyncedDoc): Votes {
  return useYValue(tableParts(table.doc).votes, () => readVotes(table.doc), jsonEqual);
}

export function useThemes(synthesis: SyncedDoc, roundId: RoundId | null): ThemeView[] {
  return useYValue(
    synthesisParts(synthesis.doc).themes,
    () => (roundId === null ? [] : themesFor(synthesis.doc, roundId)),
    jsonEqual,
    [roundId],
  );
}

export function useInsights(synthesis: SyncedDoc, roundId: RoundId | null): InsightView[] {
  return useYValue(
    synthesisParts(synthesis.doc).insights,
    () => insightsFor(synthesis.doc, roundId),
    jsonEqual,
    [roundId],
  );
}

export function useSpotlight(synthesis: SyncedDoc): SpotlightTarget | null {
  return useYValue(synthesisParts(synthesis.doc).spotlight, () => readSpotlight(synthesis.doc), jsonEqual);
}

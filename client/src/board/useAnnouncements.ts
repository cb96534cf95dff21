import { useEffect } from "react";
import * as Y from "yjs";
import type { MetaState } from "../../../shared/schema/meta.ts";
import { tableParts } from "../../../shared/schema/table.ts";
import type { Translate } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";

/**
 * Tells screen-reader users, politely, what others changed: a new note at the table,
 * writing opened or closed, a new round. Not what this device did, and not the first load.
 */
export function useAnnouncements(table: SyncedDoc, meta: MetaState, t: Translate): void {
  const announce = useAppStore((state) => state.announce);

  useEffect(() => {
    const notes = tableParts(table.doc).notes;
    const observer = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
      if (transaction.origin !== table.provider || !table.provider.synced) return;
      for (const [key, change] of event.changes.keys) {
        if (change.action !== "add") continue;
        const note = notes.get(key);
        const promptId = note instanceof Y.Map ? note.get("promptId") : null;
        const prompt = meta.rounds.flatMap((round) => round.prompts).find((p) => p.id === promptId);
        if (prompt) announce(t("announceNewNote", { prompt: prompt.label }));
      }
    };
    notes.observe(observer);
    return () => notes.unobserve(observer);
  }, [table, meta.rounds, announce, t]);
}

/** Announces changes of the facilitator's controls, comparing with what was on screen. */
export function useMetaAnnouncements(meta: MetaState | null, previous: MetaState | null, t: Translate): void {
  const announce = useAppStore((state) => state.announce);
  useEffect(() => {
    if (meta === null || previous === null) return;
    if (meta.writingOpen !== previous.writingOpen) {
      announce(t(meta.writingOpen ? "announceWritingOpen" : "announceWritingClosed"));
    }
    if (meta.activeRoundId !== previous.activeRoundId && meta.activeRoundId !== null) {
      const round = meta.rounds.find((candidate) => candidate.id === meta.activeRoundId);
      if (round) announce(t("announceRound", { round: round.title }));
    }
  }, [meta, previous, announce, t]);
}

import { useEffect } from "react";
import type { Awareness } from "y-protocols/awareness";
import type { NoteId } from "../../../shared/ids.ts";
import { useAwarenessStates } from "../sync/hooks.ts";

/** What a device tells the others at its table: a short name, and which note it is editing. */
export interface Presence {
  readonly device: string;
  readonly editing: NoteId | null;
}

const DEVICE_KEY = "samla.device";
const LETTERS = "ABCDEFGHJKLMNPRSTUVXYZ";

/** A letter that names this device to the others ("Enhet K"), kept across reloads. */
export function deviceLetter(): string {
  try {
    const stored = localStorage.getItem(DEVICE_KEY);
    if (stored && stored.length === 1 && LETTERS.includes(stored)) return stored;
    const letter = LETTERS[Math.floor(Math.random() * LETTERS.length)] ?? "A";
    localStorage.setItem(DEVICE_KEY, letter);
    return letter;
  } catch {
    return "A";
  }
}

export function usePublishPresence(awareness: Awareness): void {
  useEffect(() => {
    awareness.setLocalState({ device: deviceLetter(), editing: null } satisfies Presence);
  }, [awareness]);
}

export function setEditing(awareness: Awareness, noteId: NoteId | null): void {
  const current = awareness.getLocalState() as Presence | null;
  if (current?.editing === noteId) return;
  awareness.setLocalStateField("editing", noteId);
}

function asPresence(state: Record<string, unknown>): Presence | null {
  if (typeof state.device !== "string") return null;
  return {
    device: state.device,
    editing: typeof state.editing === "string" ? (state.editing as NoteId) : null,
  };
}

/** Everyone else at the table, and this device: for the device count and editing markers. */
export function useTablePresence(awareness: Awareness): { count: number; others: Presence[] } {
  const states = useAwarenessStates(awareness);
  const others: Presence[] = [];
  let count = 0;
  for (const [clientId, state] of states) {
    const presence = asPresence(state);
    if (presence === null) continue;
    count++;
    if (clientId !== awareness.clientID) others.push(presence);
  }
  return { count, others };
}

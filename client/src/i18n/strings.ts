import type { Language } from "../../../shared/schema/language.ts";
import { exportEn, exportSv } from "./export.ts";
import { facilitatorEn, facilitatorSv } from "./facilitator.ts";
import { screenEn, screenSv } from "./screen.ts";
import { setupEn, setupSv } from "./setup.ts";
import { votingEn, votingSv } from "./voting.ts";

/**
 * Every string the web app shows, in Swedish and English: the common and table-board ones
 * here, each other area in its own file beside this one, merged below. Components take text
 * only from `STRINGS` (through `useT`), so a missing translation is a type error.
 * `{name}` placeholders are filled by `format`.
 */
export const boardSv = {
  appName: "Samla",
  skipToContent: "Hoppa till innehållet",
  languageLabel: "Språk",
  languageSv: "Svenska",
  languageEn: "English",

  homeIntro: "Skriv koden från bordskortet för att gå med i ditt bord.",
  joinCodeLabel: "Kod från bordskortet",
  joinCodeHint: "Sex tecken, till exempel ABC DEF.",
  joinButton: "Gå med",
  joining: "Ansluter till bordet …",
  joinUnknownCode: "Ingen grupp har den koden. Kontrollera koden på bordskortet.",
  joinInvalidCode: "Koden har sex tecken: bokstäver och siffror.",
  joinFailed: "Det gick inte att ansluta. Kontrollera nätverket och försök igen.",
  notJoined: "Den här enheten har inte gått med i bordet. Skriv koden från bordskortet.",

  boardLoading: "Hämtar bordet …",
  tableLabel: "Bord",
  roundLabel: "Fokusområde",
  noActiveRound: "Facilitatorn har inte startat någon runda än.",
  addNote: "Ny lapp",
  addNoteUnder: "Ny lapp under: {prompt}",
  noteLabel: "Lapp {n} under: {prompt}",
  noNotesYet: "Inga lappar än.",
  deleteNote: "Ta bort lappen",
  confirmDelete: "Ja, ta bort",
  cancel: "Avbryt",
  colorLabel: "Färg",
  colorYellow: "Gul",
  colorPink: "Rosa",
  colorBlue: "Blå",
  colorGreen: "Grön",
  colorOrange: "Orange",
  perspectiveLabel: "Perspektiv",
  perspectiveNone: "Inget perspektiv",
  noteOptions: "Val för lappen",
  editingBy: "{device} skriver här",
  emptyNote: "(tom lapp)",

  writingClosed: "Facilitatorn har stängt skrivandet. Du kan läsa men inte ändra.",
  timerLabel: "Tid kvar",
  timerPaused: "Pausad: {time} kvar",
  timerEnded: "Tiden är ute",

  devicesAtTable: "{n} enheter vid bordet",
  oneDeviceAtTable: "1 enhet vid bordet",
  thisDevice: "den här enheten",
  deviceName: "Enhet {letter}",

  syncConnecting: "Ansluter …",
  syncSaving: "Sparar …",
  syncSaved: "Allt sparat",
  syncOffline: "Offline: dina lappar sparas på den här enheten och skickas när nätet är tillbaka.",
  syncOfflineSaving: "Offline: sparar dina lappar på den här enheten …",
  syncRefused: "Den här enheten har inte längre tillgång till bordet.",
  syncDocumentFull:
    "Bordet är fullt: den senaste ändringen kunde inte sparas. Allt som sparats tidigare finns kvar. Säg till facilitatorn.",
  syncTooManyConnections:
    "För många öppna anslutningar med den här länken. Stäng andra flikar eller enheter med samma länk och ladda om sidan.",
  workshopEnded: "Workshoppen är avslutad och borttagen. Lapparna på den här enheten har rensats.",

  otherTables: "Andra bord",
  otherTablesHint: "Facilitatorn har öppnat borden för varandra. Du kan läsa de andra bordens lappar.",
  showTable: "Visa {table}",
  backToOwnTable: "Tillbaka till vårt bord",
  readOnlyTable: "{table} (bara läsning)",
  revealEnded: "Borden är inte längre öppna för varandra.",

  startingPointHeading: "Utgångspunkt",
  startingPointFrom: "Från {title}, {date}",
  startingPointKindConclusion: "Slutsats",
  startingPointKindInsight: "Insikt",
  startingPointKindAction: "Åtgärd",
  announceNewNote: "Ny lapp under {prompt}",
  announceWritingClosed: "Skrivandet är stängt.",
  announceWritingOpen: "Skrivandet är öppet.",
  announceRound: "Ny runda: {round}",
} as const;

export const boardEn: Readonly<Record<keyof typeof boardSv, string>> = {
  appName: "Samla",
  skipToContent: "Skip to content",
  languageLabel: "Language",
  languageSv: "Svenska",
  languageEn: "English",

  homeIntro: "Type the code from the table card to join your table.",
  joinCodeLabel: "Code from the table card",
  joinCodeHint: "Six characters, for example ABC DEF.",
  joinButton: "Join",
  joining: "Joining the table …",
  joinUnknownCode: "No table has that code. Check the code on the table card.",
  joinInvalidCode: "The code has six characters: letters and digits.",
  joinFailed: "Could not join. Check the network and try again.",
  notJoined: "This device has not joined the table. Type the code from the table card.",

  boardLoading: "Loading the table …",
  tableLabel: "Table",
  roundLabel: "Focus theme",
  noActiveRound: "The facilitator has not started a round yet.",
  addNote: "New note",
  addNoteUnder: "New note under: {prompt}",
  noteLabel: "Note {n} under: {prompt}",
  noNotesYet: "No notes yet.",
  deleteNote: "Delete the note",
  confirmDelete: "Yes, delete",
  cancel: "Cancel",
  colorLabel: "Colour",
  colorYellow: "Yellow",
  colorPink: "Pink",
  colorBlue: "Blue",
  colorGreen: "Green",
  colorOrange: "Orange",
  perspectiveLabel: "Perspective",
  perspectiveNone: "No perspective",
  noteOptions: "Note options",
  editingBy: "{device} is writing here",
  emptyNote: "(empty note)",

  writingClosed: "The facilitator has closed writing. You can read but not change.",
  timerLabel: "Time left",
  timerPaused: "Paused: {time} left",
  timerEnded: "Time is up",

  devicesAtTable: "{n} devices at the table",
  oneDeviceAtTable: "1 device at the table",
  thisDevice: "this device",
  deviceName: "Device {letter}",

  syncConnecting: "Connecting …",
  syncSaving: "Saving …",
  syncSaved: "Everything saved",
  syncOffline: "Offline: your notes are kept on this device and sent when the network is back.",
  syncOfflineSaving: "Offline: saving your notes on this device …",
  syncRefused: "This device no longer has access to the table.",
  syncDocumentFull:
    "The board is full: the latest change could not be saved. Everything saved before is still there. Tell the facilitator.",
  syncTooManyConnections:
    "Too many open connections with this link. Close other tabs or devices using the same link and reload the page.",
  workshopEnded: "The workshop has ended and was deleted. The notes on this device have been cleared.",

  otherTables: "Other tables",
  otherTablesHint:
    "The facilitator has opened the tables to each other. You can read the other tables' notes.",
  showTable: "Show {table}",
  backToOwnTable: "Back to our table",
  readOnlyTable: "{table} (read only)",
  revealEnded: "The tables are no longer open to each other.",

  startingPointHeading: "Starting point",
  startingPointFrom: "From {title}, {date}",
  startingPointKindConclusion: "Conclusion",
  startingPointKindInsight: "Insight",
  startingPointKindAction: "Action",
  announceNewNote: "New note under {prompt}",
  announceWritingClosed: "Writing is closed.",
  announceWritingOpen: "Writing is open.",
  announceRound: "New round: {round}",
};

/** Each area's strings, for the test that no key is defined twice. */
export const AREAS = {
  board: boardSv,
  setup: setupSv,
  facilitator: facilitatorSv,
  screen: screenSv,
  voting: votingSv,
  export: exportSv,
} as const;

const sv = { ...boardSv, ...setupSv, ...facilitatorSv, ...screenSv, ...votingSv, ...exportSv };
export type StringKey = keyof typeof sv;
export type Strings = Readonly<Record<StringKey, string>>;
const en: Strings = { ...boardEn, ...setupEn, ...facilitatorEn, ...screenEn, ...votingEn, ...exportEn };

export const STRINGS: Readonly<Record<Language, Strings>> = { sv, en };

/** Templates split at their placeholders: literal text at even indexes, names at odd ones. */
const compiled = new Map<string, readonly string[]>();

/**
 * Fills `{name}` placeholders; unknown ones stay visible so a mistake shows. Each template is split
 * once: the console formats a few strings for every one of its 2,000 notes.
 */
export function format(template: string, params?: Readonly<Record<string, string | number>>): string {
  if (params === undefined || !template.includes("{")) return template;
  let parts = compiled.get(template);
  if (parts === undefined) {
    parts = template.split(/\{(\w+)\}/);
    compiled.set(template, parts);
  }
  let out = parts[0] ?? "";
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i] ?? "";
    out += (key in params ? String(params[key]) : `{${key}}`) + (parts[i + 1] ?? "");
  }
  return out;
}

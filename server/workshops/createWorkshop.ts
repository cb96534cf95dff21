import * as Y from "yjs";
import type { CreateWorkshopRequest, CreateWorkshopResponse } from "../../shared/api.ts";
import { docName, metaDoc } from "../../shared/docNames.ts";
import { newId, type TableId, type WorkshopId } from "../../shared/ids.ts";
import { newJoinCode } from "../../shared/joinCodes.ts";
import { Role } from "../../shared/permissions.ts";
import { DEFAULT_LANGUAGE, defaultPrompts, type Language } from "../../shared/schema/language.ts";
import { initMeta, type WorkshopSetup } from "../../shared/schema/meta.ts";
import { type StartingPoint, writeStartingPoint } from "../../shared/schema/startingPoint.ts";
import { hashToken, newToken } from "../auth/tokens.ts";
import { type NewWorkshop, type Store, StoreConflictError, type TableRecord } from "../store/store.ts";
import { facilitatorUrl, joinUrl, screenUrl } from "./links.ts";

const DEFAULT_TABLE_COUNT = 4;
const TABLE_WORD: Record<Language, string> = { sv: "Bord", en: "Table" };
const ROUND_WORD: Record<Language, string> = { sv: "Runda", en: "Round" };
const CODE_ATTEMPTS = 5;

/**
 * Creates a workshop: its tables with join codes, a facilitator and a screen token
 * (returned once, stored only as hashes) and its meta document, all in one store write.
 */
/** A follow-up starts from an earlier workshop's conclusions. */
export interface FollowUpOptions {
  readonly startingPoint: StartingPoint;
}

export async function createWorkshop(
  store: Store,
  publicUrl: string,
  request: CreateWorkshopRequest,
  now: number = Date.now(),
  followUp: FollowUpOptions | null = null,
): Promise<CreateWorkshopResponse> {
  const workshopId = newId<"WorkshopId">();
  const language = request.language ?? DEFAULT_LANGUAGE;
  const tables = tableNamesFor(request.tables, language).map((name) => ({ id: newId<"TableId">(), name }));
  const setup: WorkshopSetup = {
    title: request.title.trim(),
    language,
    createdAt: now,
    rounds: (request.rounds ?? [{ title: `${ROUND_WORD[language]} 1` }]).map((round) => ({
      id: newId<"RoundId">(),
      title: round.title.trim(),
      prompts: (round.prompts ?? defaultPrompts(language)).map((label) => ({
        id: newId<"PromptId">(),
        label: label.trim(),
      })),
    })),
    tables,
    perspectives: (request.perspectives ?? []).map((label) => ({
      id: newId<"PerspectiveId">(),
      label: label.trim(),
    })),
    followUpOf: followUp?.startingPoint.workshopId ?? null,
  };
  const meta = new Y.Doc();
  initMeta(meta, setup);
  if (followUp) writeStartingPoint(meta, followUp.startingPoint);
  const metaUpdate = Y.encodeStateAsUpdate(meta);
  meta.destroy();
  return storeNewWorkshop(store, publicUrl, {
    workshopId,
    now,
    tables,
    docs: [{ name: docName(metaDoc(workshopId)), update: metaUpdate }],
  });
}

export interface NewWorkshopInput {
  readonly workshopId: WorkshopId;
  readonly now: number;
  readonly tables: readonly { readonly id: TableId; readonly name: string }[];
  /** The documents' first updates; each name must be one of this workshop's documents. */
  readonly docs: NewWorkshop["docs"];
}

/**
 * Stores a new workshop in one store write: its tables with fresh join codes, a new facilitator
 * and screen token (returned once, stored only as hashes) and its documents. Shared by creating
 * and importing a workshop, so both issue codes and keys the same way.
 */
export async function storeNewWorkshop(
  store: Store,
  publicUrl: string,
  { workshopId, now, tables, docs }: NewWorkshopInput,
): Promise<CreateWorkshopResponse> {
  const facilitatorToken = newToken();
  const screenToken = newToken();
  const tokens = [
    { hash: hashToken(facilitatorToken), principal: { role: Role.Facilitator, workshopId }, createdAt: now },
    { hash: hashToken(screenToken), principal: { role: Role.Screen, workshopId }, createdAt: now },
  ];

  // A join code may collide with a live one; the store refuses and we draw again.
  for (let attempt = 1; ; attempt++) {
    const records: TableRecord[] = tables.map((table) => ({ ...table, joinCode: newJoinCode() }));
    if (new Set(records.map((table) => table.joinCode)).size < records.length) continue;
    try {
      await store.createWorkshop({ id: workshopId, createdAt: now, tables: records, tokens, docs });
    } catch (error) {
      if (error instanceof StoreConflictError && attempt < CODE_ATTEMPTS) continue;
      throw error;
    }
    return {
      workshopId,
      facilitatorToken,
      facilitatorUrl: facilitatorUrl(publicUrl, workshopId, facilitatorToken),
      screenToken,
      screenUrl: screenUrl(publicUrl, workshopId, screenToken),
      tables: records.map((table) => ({ ...table, joinUrl: joinUrl(publicUrl, table.joinCode) })),
    };
  }
}

function tableNamesFor(tables: CreateWorkshopRequest["tables"], language: Language): string[] {
  if (Array.isArray(tables)) return tables.map((name: string) => name.trim());
  const count = typeof tables === "number" ? tables : DEFAULT_TABLE_COUNT;
  return Array.from({ length: count }, (_, i) => `${TABLE_WORD[language]} ${i + 1}`);
}

import { CloseCode } from "../../shared/closeCodes.ts";
import { type DocRef, parseDocName } from "../../shared/docNames.ts";
import { type Access, accessTo, dependsOnReveal, type Principal } from "../../shared/permissions.ts";
import { hashToken, looksLikeToken } from "../auth/tokens.ts";
import type { Store } from "../store/store.ts";

export type AccessDecision =
  | { readonly ok: true; readonly ref: DocRef; readonly principal: Principal; readonly access: Access }
  | { readonly ok: false; readonly code: CloseCode };

export interface AccessDeps {
  readonly store: Store;
  /** Whether tables currently see each other's boards (the meta document's `revealed`). */
  readonly isRevealed: (ref: DocRef) => Promise<boolean>;
}

/**
 * Decides whether a token may open a document, before anything about that document is
 * loaded or created. A deleted workshop answers 4410 first, so a stale tablet learns to
 * drop its copy even though its token went with the workshop.
 */
export async function decideAccess(
  deps: AccessDeps,
  name: string,
  token: string | undefined,
): Promise<AccessDecision> {
  const ref = parseDocName(name);
  if (ref === null) return { ok: false, code: CloseCode.NotFound };
  if (await deps.store.isDeleted(ref.workshopId)) return { ok: false, code: CloseCode.Gone };
  if (!looksLikeToken(token)) return { ok: false, code: CloseCode.Unauthorized };
  const principal = await deps.store.findToken(hashToken(token));
  if (principal === null) return { ok: false, code: CloseCode.Unauthorized };
  if (principal.workshopId !== ref.workshopId) return { ok: false, code: CloseCode.Forbidden };
  if (ref.kind === "table" && (await deps.store.getTable(ref.workshopId, ref.tableId)) === null) {
    return { ok: false, code: CloseCode.NotFound };
  }
  const revealed = dependsOnReveal(principal, ref) ? await deps.isRevealed(ref) : false;
  const access = accessTo(principal, ref, { revealed });
  if (access === "none") return { ok: false, code: CloseCode.Forbidden };
  return { ok: true, ref, principal, access };
}

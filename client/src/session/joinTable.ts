import { ErrorCode, type JoinResponse } from "../../../shared/api.ts";
import { normalizeJoinCode } from "../../../shared/joinCodes.ts";
import { api } from "../api.ts";
import type { StringKey } from "../i18n/strings.ts";
import { type Join, saveJoin } from "./joins.ts";

export type JoinResult =
  | { readonly ok: true; readonly join: Join }
  | { readonly ok: false; readonly error: StringKey };

/** Exchanges a table's join code for this device's token, and remembers it. */
export async function joinTable(input: string): Promise<JoinResult> {
  const code = normalizeJoinCode(input);
  if (code === null) return { ok: false, error: "joinInvalidCode" };
  const result = await api<JoinResponse>("POST", "/api/join", { body: { code } });
  if (!result.ok) {
    return { ok: false, error: result.code === ErrorCode.UnknownJoinCode ? "joinUnknownCode" : "joinFailed" };
  }
  saveJoin(result.body);
  return { ok: true, join: result.body };
}

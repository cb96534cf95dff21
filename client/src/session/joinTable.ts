import { ErrorCode, type JoinResponse } from "../../../shared/api.ts";
import { normalizeJoinCode } from "../../../shared/joinCodes.ts";
import type { StringKey } from "../i18n/strings.ts";
import { type Join, saveJoin } from "./joins.ts";

export type JoinResult =
  | { readonly ok: true; readonly join: Join }
  | { readonly ok: false; readonly error: StringKey };

/** Exchanges a table's join code for this device's token, and remembers it. */
export async function joinTable(input: string): Promise<JoinResult> {
  const code = normalizeJoinCode(input);
  if (code === null) return { ok: false, error: "joinInvalidCode" };
  let response: Response;
  try {
    response = await fetch("/api/join", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
  } catch {
    return { ok: false, error: "joinFailed" };
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    const errorCode = (body as { error?: { code?: unknown } } | null)?.error?.code;
    return { ok: false, error: errorCode === ErrorCode.UnknownJoinCode ? "joinUnknownCode" : "joinFailed" };
  }
  const join = (await response.json()) as JoinResponse;
  saveJoin(join);
  return { ok: true, join };
}

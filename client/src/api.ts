import type { ErrorCode } from "../../shared/api.ts";

export type ApiResult<T> =
  | { readonly ok: true; readonly status: number; readonly body: T }
  | {
      readonly ok: false;
      readonly status: number;
      readonly code: ErrorCode | "NETWORK";
      readonly message: string;
    };

/** The HTTP API on this page's own origin, JSON in and out, with the stable error codes. */
export async function api<T>(
  method: "GET" | "POST" | "DELETE",
  path: string,
  options: { readonly body?: unknown; readonly token?: string } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    return { ok: false, status: 0, code: "NETWORK", message: String(error) };
  }
  const text = await response.text();
  const body: unknown = text === "" ? null : safeParse(text);
  if (response.ok) return { ok: true, status: response.status, body: body as T };
  const error = (body as { error?: { code?: ErrorCode; message?: string } } | null)?.error;
  return {
    ok: false,
    status: response.status,
    code: error?.code ?? "INTERNAL",
    message: error?.message ?? response.statusText,
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

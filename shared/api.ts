import type { Archive } from "./archive.ts";
import type { TableId, WorkshopId } from "./ids.ts";
import type { Language } from "./schema/language.ts";

/** Stable error codes of the HTTP API: clients branch on these, never on messages. */
export const ErrorCode = {
  InvalidJson: "INVALID_JSON",
  InvalidBody: "INVALID_BODY",
  InvalidParams: "INVALID_PARAMS",
  BodyTooLarge: "BODY_TOO_LARGE",
  UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
  NotFound: "NOT_FOUND",
  WorkshopNotFound: "WORKSHOP_NOT_FOUND",
  WorkshopGone: "WORKSHOP_GONE",
  UnknownJoinCode: "UNKNOWN_JOIN_CODE",
  Unauthorized: "UNAUTHORIZED",
  Forbidden: "FORBIDDEN",
  /** Too many join attempts from one address; `retry-after` says when to try again. */
  TooManyRequests: "TOO_MANY_REQUESTS",
  /** An archive that is damaged, tampered with or not an archive (the message says what and where). */
  InvalidArchive: "INVALID_ARCHIVE",
  /** A Samla archive of a format or schema version this server cannot read. */
  UnsupportedArchive: "UNSUPPORTED_ARCHIVE",
  Internal: "INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

export interface CreateWorkshopRequest {
  readonly title: string;
  readonly language?: Language;
  /** A number of tables (named "Bord 1"…) or their names. */
  readonly tables?: number | readonly string[];
  readonly rounds?: readonly { readonly title: string; readonly prompts?: readonly string[] }[];
  readonly perspectives?: readonly string[];
}

export interface TableLink {
  readonly id: TableId;
  readonly name: string;
  /** Shown on the join card; typed case-insensitively, spaces and dashes ignored. */
  readonly joinCode: string;
  readonly joinUrl: string;
}

export interface CreateWorkshopResponse {
  readonly workshopId: WorkshopId;
  readonly facilitatorToken: string;
  /** Carries the token in the fragment (`#key=`), which browsers never send to servers. */
  readonly facilitatorUrl: string;
  readonly screenToken: string;
  readonly screenUrl: string;
  readonly tables: readonly TableLink[];
}

export interface JoinRequest {
  readonly code: string;
}

export interface JoinResponse {
  readonly workshopId: WorkshopId;
  readonly tableId: TableId;
  readonly token: string;
}

/** `GET /api/workshops/:id/tables` (facilitator): for reprinting join cards. */
export interface TablesResponse {
  readonly tables: readonly TableLink[];
}

/** `POST /api/workshops/:id/tables` (facilitator): a table added during the day. */
export interface AddTableRequest {
  readonly name: string;
}

/** `GET /api/workshops/:id` (facilitator): the workshop's record and when retention deletes it. */
export interface WorkshopInfo {
  readonly workshopId: WorkshopId;
  readonly createdAt: number;
  readonly lastActivityAt: number;
  /** The host's RETENTION_DAYS, or null when workshops are kept until deleted. */
  readonly retentionDays: number | null;
  /** When the workshop is deleted for good unless used before then (ms), or null. */
  readonly deleteAfter: number | null;
}

/** `GET /api/workshops/:id/export.json` (facilitator): the archive (shared/archive.ts, docs/archive.md). */
export type ExportArchiveResponse = Archive;

/** `POST /api/workshops/import`: the body is an archive; the answer, a new workshop's codes and keys. */
export type ImportWorkshopRequest = Archive;
export type ImportWorkshopResponse = CreateWorkshopResponse;

import type { WorkshopInfo } from "../../shared/api.ts";
import { type ApiResult, api } from "./api.ts";

/**
 * The requests the console and the screen need first, started by earlyLoad.ts as the page
 * loads (before React and the page's own code are evaluated), and taken by the page when it
 * asks: the key check (`GET /api/workshops/:id`) and the documents request
 * (`GET /api/workshops/:id/documents`, every document the key may read in one response, so the
 * view shows the whole workshop without waiting for its 42 WebSockets, which the browser opens
 * one at a time).
 *
 * Each is taken once: a view opened later (or within the app, or with another key) asks afresh
 * rather than show what the page found when it loaded. This file is part of what every tablet
 * loads, so it stays small: the documents' body is decoded where it is used
 * (sync/workshopConnection.ts).
 */
class Early<T> {
  private started: {
    readonly workshopId: string;
    readonly token: string;
    readonly result: Promise<T>;
  } | null = null;

  constructor(private readonly request: (workshopId: string, token: string) => Promise<T>) {}

  start(workshopId: string, token: string): void {
    this.started = { workshopId, token, result: this.request(workshopId, token) };
  }

  take(workshopId: string, token: string): Promise<T> {
    const started = this.started;
    this.started = null;
    if (started?.workshopId === workshopId && started.token === token) return started.result;
    return this.request(workshopId, token);
  }
}

const workshopInfo = new Early((workshopId, token) =>
  api<WorkshopInfo>("GET", `/api/workshops/${workshopId}`, { token }),
);

/** The body, or null on any failure: then the sockets bring everything, as before. */
const documents = new Early(
  (workshopId, token): Promise<Uint8Array | null> =>
    fetch(`/api/workshops/${workshopId}/documents`, {
      headers: { authorization: `Bearer ${token}` },
      cache: "no-store",
    })
      .then((response) => (response.ok ? response.arrayBuffer() : null))
      .then((buffer) => (buffer === null ? null : new Uint8Array(buffer)))
      .catch(() => null),
);

/** Starts the console's key check (the facilitator's key) ahead of the page. */
export function prefetchWorkshopInfo(workshopId: string, token: string): void {
  workshopInfo.start(workshopId, token);
}

/** The key check's answer: the one started ahead for this workshop and key, or a new one. */
export function takeWorkshopInfo(workshopId: string, token: string): Promise<ApiResult<WorkshopInfo>> {
  return workshopInfo.take(workshopId, token);
}

/** Starts the documents request ahead of the view that will take it. */
export function prefetchDocuments(workshopId: string, token: string): void {
  documents.start(workshopId, token);
}

/** The documents request's body (null if it failed): the one started ahead, or a new one. */
export function takeDocuments(workshopId: string, token: string): Promise<Uint8Array | null> {
  return documents.take(workshopId, token);
}

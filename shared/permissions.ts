import type { DocRef } from "./docNames.ts";
import type { TableId, WorkshopId } from "./ids.ts";

export const Role = {
  Facilitator: "facilitator",
  Table: "table",
  Screen: "screen",
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Who holds a token: every token belongs to one workshop; a table token also to one table. */
export type Principal =
  | { readonly role: typeof Role.Facilitator; readonly workshopId: WorkshopId }
  | { readonly role: typeof Role.Screen; readonly workshopId: WorkshopId }
  | { readonly role: typeof Role.Table; readonly workshopId: WorkshopId; readonly tableId: TableId };

export type Access = "write" | "read" | "none";

/** The parts of the workshop's live state that access depends on. */
export interface AccessContext {
  /** Tables see each other's boards (read-only) while the facilitator has revealed them. */
  readonly revealed: boolean;
}

/**
 * The permission matrix of DESIGN.md §4, as one pure function.
 *
 * | role        | meta  | own table | other tables      | synthesis |
 * |-------------|-------|-----------|-------------------|-----------|
 * | facilitator | write | write     | write             | write     |
 * | table       | read  | write     | read while reveal | read      |
 * | screen      | read  | read      | read              | read      |
 */
export function accessTo(principal: Principal, doc: DocRef, context: AccessContext): Access {
  if (principal.workshopId !== doc.workshopId) return "none";
  switch (principal.role) {
    case Role.Facilitator:
      return "write";
    case Role.Screen:
      return "read";
    case Role.Table:
      if (doc.kind !== "table") return "read";
      if (doc.tableId === principal.tableId) return "write";
      return context.revealed ? "read" : "none";
  }
}

/** Whether this access depends on the reveal flag (so it must be re-checked when reveal turns off). */
export function dependsOnReveal(principal: Principal, doc: DocRef): boolean {
  return principal.role === Role.Table && doc.kind === "table" && doc.tableId !== principal.tableId;
}

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ErrorCode } from "../../shared/api.ts";
import { ARCHIVE_LIMITS, parseArchive } from "../../shared/archive.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { Role } from "../../shared/permissions.ts";
import { requireRole } from "../http/auth.ts";
import { ApiError } from "../http/errors.ts";
import { exportArchive, importArchive } from "../workshops/archive.ts";
import { WorkshopParams } from "./schemas.ts";

/** Problems named in an error message; the rest are counted. */
const PROBLEMS_IN_MESSAGE = 5;
const MAX_SLUG_CHARS = 60;

/** The archive of a workshop (facilitator), and restoring one as a new workshop. docs/archive.md. */
export const archiveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/api/workshops/:id/export.json",
    { schema: { params: WorkshopParams } },
    async (request, reply) => {
      const workshopId = request.params.id as WorkshopId;
      await requireRole(app.store, request, workshopId, [Role.Facilitator]);
      const archive = await exportArchive(app.store, workshopId);
      // Deleted between the check and the read.
      if (archive === null) throw new ApiError(410, ErrorCode.WorkshopGone, "This workshop was deleted.");
      request.log.info({ workshop: workshopId, tables: archive.tables.length }, "workshop exported");
      return (
        reply
          .header(
            "content-disposition",
            `attachment; filename="${slug(archive.meta.content.title)}.samla.json"`,
          )
          // The notes may be sensitive: no cache keeps a copy.
          .header("cache-control", "no-store")
          .type("application/json; charset=utf-8")
          // Indented: the readable half of the archive is meant to be read.
          .send(JSON.stringify(archive, null, 2))
      );
    },
  );

  // No body schema: parseArchive checks everything, names the exact place of each problem, and is
  // the same check a browser can run before uploading. The body limit is this route's own.
  app.post("/api/workshops/import", { bodyLimit: ARCHIVE_LIMITS.maxBytes }, async (request, reply) => {
    const parsed = parseArchive(request.body);
    if (!parsed.ok) {
      const code = parsed.unsupported ? ErrorCode.UnsupportedArchive : ErrorCode.InvalidArchive;
      throw new ApiError(400, code, problemMessage(parsed.problems));
    }
    const created = await importArchive(app.store, app.config.publicUrl, parsed.archive, parsed.states);
    request.log.info(
      { workshop: created.workshopId, from: parsed.archive.workshop.id, tables: created.tables.length },
      "workshop imported",
    );
    return reply.status(201).send(created);
  });
};

function problemMessage(problems: readonly string[]): string {
  const named = problems.slice(0, PROBLEMS_IN_MESSAGE).join("; ");
  const more = problems.length - PROBLEMS_IN_MESSAGE;
  return `The archive cannot be imported: ${named}${more > 0 ? ` (and ${more} more)` : ""}.`;
}

/**
 * An ASCII file name from the title ("Praktikerdialog: Män…" → "praktikerdialog-man…"), safe in a
 * quoted header value on every browser; "workshop" when nothing is left.
 */
export function slug(title: string): string {
  const ascii = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_SLUG_CHARS)
    .replace(/^-+|-+$/g, "");
  return ascii === "" ? "workshop" : ascii;
}

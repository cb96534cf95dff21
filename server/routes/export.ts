import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ErrorCode } from "../../shared/api.ts";
import { renderMarkdown, reportInputFromDocs } from "../../shared/export/markdown.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { Role } from "../../shared/permissions.ts";
import { requireRole } from "../http/auth.ts";
import { ApiError } from "../http/errors.ts";
import { readWorkshop } from "../workshops/readWorkshop.ts";
import { slug } from "./archive.ts";
import { WorkshopParams } from "./schemas.ts";

/** The workshop's Markdown report (facilitator): what ends up in the organisers' written report. */
export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/api/workshops/:id/export.md", { schema: { params: WorkshopParams } }, async (request, reply) => {
    const workshopId = request.params.id as WorkshopId;
    await requireRole(app.store, request, workshopId, [Role.Facilitator]);
    // The store is always current (the relay stores each update before relaying it), so a note
    // written a moment ago is in the report without asking any live room.
    const docs = await readWorkshop(app.store, workshopId);
    // Deleted between the check and the read.
    if (docs === null) throw new ApiError(410, ErrorCode.WorkshopGone, "This workshop was deleted.");
    let markdown: string;
    let title: string;
    try {
      const input = reportInputFromDocs(docs.meta, docs.synthesis, docs.tables);
      markdown = renderMarkdown(input);
      title = input.title;
    } finally {
      docs.destroy();
    }
    request.log.info({ workshop: workshopId }, "report exported");
    return (
      reply
        .header("content-disposition", `attachment; filename="${slug(title)}.md"`)
        // The notes may be sensitive: no cache keeps a copy.
        .header("cache-control", "no-store")
        .type("text/markdown; charset=utf-8")
        .send(markdown)
    );
  });
};

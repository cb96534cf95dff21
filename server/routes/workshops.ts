import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ErrorCode, type WorkshopInfo } from "../../shared/api.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { Role } from "../../shared/permissions.ts";
import { requireRole } from "../http/auth.ts";
import { ApiError } from "../http/errors.ts";
import { createWorkshop } from "../workshops/createWorkshop.ts";
import { startFollowUp } from "../workshops/followUp.ts";
import { purgeAt } from "../workshops/retention.ts";
import { CreateWorkshopBody, WorkshopParams } from "./schemas.ts";

/** Create and delete workshops. */
export const workshopRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post("/api/workshops", { schema: { body: CreateWorkshopBody } }, async (request, reply) => {
    const created = await createWorkshop(app.store, app.config.publicUrl, request.body);
    request.log.info({ workshop: created.workshopId, tables: created.tables.length }, "workshop created");
    return reply.status(201).send(created);
  });

  app.get("/api/workshops/:id", { schema: { params: WorkshopParams } }, async (request) => {
    const workshopId = request.params.id as WorkshopId;
    await requireRole(app.store, request, workshopId, [Role.Facilitator]);
    const record = await app.store.getWorkshop(workshopId);
    if (record === null) throw new ApiError(404, ErrorCode.WorkshopNotFound, "There is no such workshop.");
    const info: WorkshopInfo = {
      workshopId,
      createdAt: record.createdAt,
      lastActivityAt: record.lastActivityAt,
      retentionDays: app.config.retentionDays,
      deleteAfter: purgeAt(record.lastActivityAt, app.config.retentionDays),
    };
    return info;
  });

  app.post("/api/workshops/:id/follow-up", { schema: { params: WorkshopParams } }, async (request, reply) => {
    const workshopId = request.params.id as WorkshopId;
    await requireRole(app.store, request, workshopId, [Role.Facilitator]);
    const created = await startFollowUp(app.store, app.config.publicUrl, workshopId);
    if (created === null) throw new ApiError(404, ErrorCode.WorkshopNotFound, "There is no such workshop.");
    request.log.info({ workshop: created.workshopId, followUpOf: workshopId }, "follow-up created");
    return reply.status(201).send(created);
  });

  app.delete("/api/workshops/:id", { schema: { params: WorkshopParams } }, async (request, reply) => {
    const workshopId = request.params.id as WorkshopId;
    await requireRole(app.store, request, workshopId, [Role.Facilitator]);
    // First stop every socket and write of the workshop, then remove it from the store.
    await app.relay.retireWorkshop(workshopId);
    if (!(await app.store.deleteWorkshop(workshopId, Date.now()))) {
      // A concurrent delete won the race (possible once the store does real I/O): it is gone.
      if (await app.store.isDeleted(workshopId)) {
        throw new ApiError(410, ErrorCode.WorkshopGone, "This workshop was deleted.");
      }
      throw new ApiError(404, ErrorCode.WorkshopNotFound, "There is no such workshop.");
    }
    request.log.info({ workshop: workshopId }, "workshop deleted");
    return reply.status(204).send();
  });
};

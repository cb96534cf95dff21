import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { TableLink, TablesResponse } from "../../shared/api.ts";
import { metaDoc } from "../../shared/docNames.ts";
import { newId, type WorkshopId } from "../../shared/ids.ts";
import { newJoinCode } from "../../shared/joinCodes.ts";
import { Role } from "../../shared/permissions.ts";
import { addTable } from "../../shared/schema/meta.ts";
import { requireRole } from "../http/auth.ts";
import { StoreConflictError } from "../store/store.ts";
import { joinUrl } from "../workshops/links.ts";
import { AddTableBody, WorkshopParams } from "./schemas.ts";

const CODE_ATTEMPTS = 5;

/** A workshop's tables and their join codes (for the cards), and adding one during the day. */
export const tableRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/api/workshops/:id/tables", { schema: { params: WorkshopParams } }, async (request) => {
    const workshopId = request.params.id as WorkshopId;
    await requireRole(app.store, request, workshopId, [Role.Facilitator]);
    const tables = await app.store.listTables(workshopId);
    const response: TablesResponse = {
      tables: tables.map((table) => ({ ...table, joinUrl: joinUrl(app.config.publicUrl, table.joinCode) })),
    };
    return response;
  });

  app.post(
    "/api/workshops/:id/tables",
    { schema: { params: WorkshopParams, body: AddTableBody } },
    async (request, reply) => {
      const workshopId = request.params.id as WorkshopId;
      await requireRole(app.store, request, workshopId, [Role.Facilitator]);
      const table = { id: newId<"TableId">(), name: request.body.name.trim() };
      for (let attempt = 1; ; attempt++) {
        const joinCode = newJoinCode();
        try {
          await app.store.addTable(workshopId, { ...table, joinCode });
        } catch (error) {
          if (error instanceof StoreConflictError && attempt < CODE_ATTEMPTS) continue;
          throw error;
        }
        // The registry knows the table; now every open board and console learns of it too.
        await app.relay.changeDoc(metaDoc(workshopId), (doc) => addTable(doc, table));
        const link: TableLink = { ...table, joinCode, joinUrl: joinUrl(app.config.publicUrl, joinCode) };
        return reply.status(201).send(link);
      }
    },
  );
};

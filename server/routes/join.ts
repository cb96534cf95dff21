import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ErrorCode, type JoinResponse } from "../../shared/api.ts";
import { normalizeJoinCode } from "../../shared/joinCodes.ts";
import { Role } from "../../shared/permissions.ts";
import { hashToken, newToken } from "../auth/tokens.ts";
import { ApiError } from "../http/errors.ts";
import { JoinBody } from "./schemas.ts";

/** A tablet exchanges a table's join code for a token of its own. */
export const joinRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post("/api/join", { schema: { body: JoinBody } }, async (request) => {
    const code = normalizeJoinCode(request.body.code);
    const table = code === null ? null : await app.store.findJoinCode(code);
    if (table === null) {
      throw new ApiError(
        404,
        ErrorCode.UnknownJoinCode,
        "No table has this code. Check the code on the card.",
      );
    }
    const token = newToken();
    const now = Date.now();
    await app.store.addToken({
      hash: hashToken(token),
      principal: { role: Role.Table, workshopId: table.workshopId, tableId: table.tableId },
      createdAt: now,
    });
    await app.store.touchWorkshop(table.workshopId, now);
    const response: JoinResponse = { workshopId: table.workshopId, tableId: table.tableId, token };
    return response;
  });
};

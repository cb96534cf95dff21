import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ErrorCode, type JoinResponse } from "../../shared/api.ts";
import { normalizeJoinCode } from "../../shared/joinCodes.ts";
import { Role } from "../../shared/permissions.ts";
import { hashToken, newToken } from "../auth/tokens.ts";
import { ApiError } from "../http/errors.ts";
import { JoinLimiter } from "../http/rateLimit.ts";
import { JoinBody } from "./schemas.ts";

/** A tablet exchanges a table's join code for a token of its own. */
export const joinRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Per client address (the socket's, not X-Forwarded-For: trustProxy is off).
  const limiter = new JoinLimiter();
  app.post("/api/join", { schema: { body: JoinBody } }, async (request, reply) => {
    const verdict = limiter.attempt(request.ip);
    if (!verdict.allowed) {
      app.relay.stats.joinsRateLimited++;
      void reply.header("retry-after", String(verdict.retryAfterSeconds));
      throw new ApiError(
        429,
        ErrorCode.TooManyRequests,
        "Too many join attempts. Wait a moment and try again.",
      );
    }
    const code = normalizeJoinCode(request.body.code);
    const table = code === null ? null : await app.store.findJoinCode(code);
    if (table === null) {
      limiter.failed(request.ip);
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

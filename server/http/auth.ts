import type { FastifyRequest } from "fastify";
import { ErrorCode } from "../../shared/api.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { type Principal, Role } from "../../shared/permissions.ts";
import { bearerToken, hashToken, looksLikeToken } from "../auth/tokens.ts";
import type { Store } from "../store/store.ts";
import { ApiError } from "./errors.ts";

/**
 * Resolves the bearer token of a request about one workshop: 404 if the workshop never
 * existed, 410 if it was deleted, 401 without a valid token, 403 for a token of another
 * workshop or with too small a role.
 */
export async function requireRole(
  store: Store,
  request: FastifyRequest,
  workshopId: WorkshopId,
  roles: readonly Principal["role"][] = [Role.Facilitator],
): Promise<Principal> {
  if ((await store.getWorkshop(workshopId)) === null) {
    if (await store.isDeleted(workshopId)) {
      throw new ApiError(410, ErrorCode.WorkshopGone, "This workshop was deleted.");
    }
    throw new ApiError(404, ErrorCode.WorkshopNotFound, "There is no such workshop.");
  }
  const token = bearerToken(request.headers.authorization);
  if (!looksLikeToken(token)) {
    throw new ApiError(401, ErrorCode.Unauthorized, "A valid token is needed (Authorization: Bearer).");
  }
  const principal = await store.findToken(hashToken(token));
  if (principal === null) throw new ApiError(401, ErrorCode.Unauthorized, "This token is not valid.");
  if (principal.workshopId !== workshopId || !roles.includes(principal.role)) {
    throw new ApiError(403, ErrorCode.Forbidden, "This token may not do that in this workshop.");
  }
  return principal;
}

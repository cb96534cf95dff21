import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ErrorCode } from "../../shared/api.ts";
import { DOCUMENTS_CONTENT_TYPE, encodeDocuments } from "../../shared/documentsBody.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { Role } from "../../shared/permissions.ts";
import { requireRole } from "../http/auth.ts";
import { compress, MIN_COMPRESSED_BYTES, pickEncoding } from "../http/compression.ts";
import { ApiError } from "../http/errors.ts";
import { readableDocuments } from "../workshops/readableDocuments.ts";
import { WorkshopParams } from "./schemas.ts";

/**
 * Every document a token may read, in one binary body (shared/documentsBody.ts): the console
 * and the screen show a whole workshop after this one request, instead of after 42 WebSockets
 * that the browser opens one at a time. Their sockets open behind it and fetch only what is newer.
 */
export const documentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/api/workshops/:id/documents", { schema: { params: WorkshopParams } }, async (request, reply) => {
    const workshopId = request.params.id as WorkshopId;
    // Any role: what each may read is decided per document, as on the WebSocket.
    const principal = await requireRole(app.store, request, workshopId, [
      Role.Facilitator,
      Role.Screen,
      Role.Table,
    ]);
    const documents = await readableDocuments(app.store, principal);
    // Deleted between the check and the read.
    if (documents === null) throw new ApiError(410, ErrorCode.WorkshopGone, "This workshop was deleted.");
    const body = encodeDocuments(documents);
    // The notes may be sensitive: no cache keeps a copy.
    reply.header("cache-control", "no-store").header("vary", "accept-encoding").type(DOCUMENTS_CONTENT_TYPE);
    // Yjs updates are mostly text: compressed ≈ 7×, which is what the venue's Wi-Fi carries.
    const encoding =
      body.byteLength >= MIN_COMPRESSED_BYTES ? pickEncoding(request.headers["accept-encoding"]) : null;
    if (encoding === null) return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    return reply.header("content-encoding", encoding).send(await compress(body, encoding));
  });
};

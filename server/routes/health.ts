import type { FastifyPluginAsync } from "fastify";
import { ErrorCode } from "../../shared/api.ts";
import { errorBody } from "../http/errors.ts";

/** `/healthz` answers 200 only while the store answers. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get("/healthz", async (request, reply) => {
    try {
      await app.store.ping();
      return { status: "ok", documents: app.relay.loadedDocuments, connections: app.relay.openConnections };
    } catch (error) {
      request.log.error({ err: error }, "health check: store unreachable");
      return reply.status(503).send(errorBody(ErrorCode.Internal, "The store is not reachable."));
    }
  });
};

import type { FastifyError, FastifyInstance } from "fastify";
import { type ErrorBody, ErrorCode } from "../../shared/api.ts";

/** An error a route throws on purpose: its status and code reach the client as they are. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Fastify's own client errors, mapped to our stable codes. */
const FASTIFY_CODES: Readonly<Record<string, { status: number; code: ErrorCode }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: ErrorCode.BodyTooLarge },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: ErrorCode.UnsupportedMediaType },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: ErrorCode.InvalidJson },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: ErrorCode.InvalidJson },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: ErrorCode.InvalidJson },
};

/**
 * Every error leaves as `{ error: { code, message } }`. Client errors say what was wrong;
 * server errors say nothing more than that, and their details go to the log only.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send(errorBody(error.code, error.message));
    }
    if (error.validation) {
      const code = error.validationContext === "body" ? ErrorCode.InvalidBody : ErrorCode.InvalidParams;
      return reply.status(400).send(errorBody(code, error.message));
    }
    const known =
      error.code && Object.hasOwn(FASTIFY_CODES, error.code) ? FASTIFY_CODES[error.code] : undefined;
    if (known) return reply.status(known.status).send(errorBody(known.code, error.message));
    // A JSON syntax error from the body parser.
    if (error.statusCode === 400 && error instanceof SyntaxError) {
      return reply.status(400).send(errorBody(ErrorCode.InvalidJson, "The body is not valid JSON."));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody(ErrorCode.InvalidBody, error.message));
    }
    request.log.error({ err: error }, "request failed");
    return reply.status(500).send(errorBody(ErrorCode.Internal, "Something went wrong on the server."));
  });
}

import type { ErrorCode, SuccessKey } from "@rekey/validators";

/** Where the REST adapter is mounted. */
export const REST_PREFIX = "/api/v1";

/**
 * A procedure's REST face, declared once on the procedure with `.meta({ openapi })`. The field names follow
 * trpc-to-openapi's `OpenApiMeta` (method, path, summary, protect) so the router reads like any tRPC app
 * with an OpenAPI layer; `errors` and `message` are ours: the seed's envelope answers with a fixed success
 * message and documents the domain codes each path can fail with.
 */
export interface RestMeta {
  method: "GET" | "POST";
  /** Under `/api/v1`, e.g. `/user/requestPasswordReset`. */
  path: `/${string}`;
  summary: string;
  /** Needs `Authorization: Bearer <token>`. */
  protect?: boolean;
  /** Domain codes this path can answer with besides PARAM_ERROR/INTERNAL (listed in OpenAPI). */
  errors: ErrorCode[];
  /** The seed's success message for `msg`. */
  message: SuccessKey;
}

export interface ProcedureMeta {
  openapi?: RestMeta;
}

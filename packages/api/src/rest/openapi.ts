import type { Config } from "@rekey/config";
import { ERROR_CODES, type ErrorCode } from "@rekey/validators";
import { z } from "zod";
import { REST_PREFIX } from "./meta";
import { REST_ROUTES } from "./routes";

type JsonSchema = Record<string, unknown>;

function schemaOf(type: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(type, { io, unrepresentable: "any" }) as JsonSchema;
  return schema;
}

function envelope(data: JsonSchema, example?: { code: number; msg: string }): JsonSchema {
  return {
    type: "object",
    required: ["code", "msg", "data"],
    properties: {
      code: { type: "integer", ...(example ? { examples: [example.code] } : {}) },
      msg: { type: "string", ...(example ? { examples: [example.msg] } : {}) },
      data,
    },
  };
}

const issues = {
  type: ["object", "null"],
  properties: {
    issues: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
    retry_after: { type: "integer", description: "seconds to wait (429)" },
  },
};

/** OpenAPI 3.1 for the REST adapter, generated from the same zod schemas the procedures validate with. */
export function buildOpenApiDocument(config: Config): JsonSchema {
  const paths: Record<string, JsonSchema> = {};
  for (const [path, route] of REST_ROUTES) {
    const responses: Record<string, JsonSchema> = {
      "200": {
        description: "Success",
        content: { "application/json": { schema: envelope(route.output ? schemaOf(route.output, "output") : { type: "null" }) } },
      },
    };
    const codes: ErrorCode[] = [...route.errors, "PARAM_ERROR", "INTERNAL"];
    for (const code of codes) {
      const entry = ERROR_CODES[code];
      const status = String(entry.http);
      const existing = responses[status];
      const line = `\`${entry.code}\` ${entry.zh} (${code})`;
      responses[status] = existing
        ? { ...existing, description: `${String(existing.description)}; ${line}` }
        : { description: line, content: { "application/json": { schema: envelope(issues) } } };
    }
    if (responses["429"])
      responses["429"] = { ...responses["429"], headers: { "Retry-After": { schema: { type: "integer" }, description: "seconds" } } };
    paths[`${REST_PREFIX}${path}`] = {
      [route.method.toLowerCase()]: {
        operationId: path.slice(path.lastIndexOf("/") + 1),
        summary: route.summary,
        ...(route.protect ? { security: [{ bearer: [] }] } : {}),
        ...(route.input ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(route.input, "input") } } } } : {}),
        parameters: [
          { name: "Accept-Language", in: "header", required: false, schema: { type: "string" }, description: "`en` for English messages" },
        ],
        responses,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: `${config.appName} password recovery API`,
      version: "1.0.0",
      description:
        "Every response is an envelope {code, msg, data}. HTTP status equals `code`, except `code` 501 (parameter error), sent with HTTP 400.",
    },
    servers: [{ url: config.appUrl }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}

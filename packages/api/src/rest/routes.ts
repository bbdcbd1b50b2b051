import type { AnyRouter } from "@trpc/server";
import { z } from "zod";
import { appRouter } from "../root";
import type { ProcedureMeta, RestMeta } from "./meta";

export interface RestRoute extends RestMeta {
  /** The tRPC path it calls, e.g. `auth.passwordReset.request`. */
  procedure: string;
  input?: z.ZodType;
  output?: z.ZodType;
}

function zodSchema(parser: unknown): z.ZodType | undefined {
  return parser instanceof z.ZodType ? parser : undefined;
}

/** Every procedure that declares `.meta({ openapi })`, keyed by its REST path: the adapter has no list of its own. */
function restRoutesOf(router: AnyRouter): ReadonlyMap<string, RestRoute> {
  const routes = new Map<string, RestRoute>();
  for (const [procedure, value] of Object.entries(router._def.procedures)) {
    const def = (value as { _def: { meta?: ProcedureMeta; inputs: unknown[]; output?: unknown } })._def;
    const rest = def.meta?.openapi;
    if (!rest) continue;
    if (routes.has(rest.path)) throw new Error(`REST path ${rest.path} is declared twice (${routes.get(rest.path)?.procedure}, ${procedure})`);
    routes.set(rest.path, { ...rest, procedure, input: zodSchema(def.inputs[0]), output: zodSchema(def.output) });
  }
  return routes;
}

export const REST_ROUTES = restRoutesOf(appRouter);

/** Calls the procedure at a dotted tRPC path on a caller (the caller is a proxy: any path resolves to a function). */
export function callProcedure(caller: object, path: string, input: unknown): Promise<unknown> {
  let node: unknown = caller;
  for (const key of path.split(".")) node = (node as Record<string, unknown>)[key];
  if (typeof node !== "function") throw new Error(`no procedure at ${path}`);
  return node(input) as Promise<unknown>;
}

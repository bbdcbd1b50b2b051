import { getRuntime, type Runtime } from "@rekey/runtime";
import { createFunctions } from "@rekey/jobs";
import { serve } from "inngest/next";
import type { NextRequest } from "next/server";

export const dynamic = "force-dynamic";

type Handlers = ReturnType<typeof serve>;
let handlers: Handlers | undefined;

/** Built on first request from the runtime's client, so nothing runs at import (build) time. */
function handlersFor(runtime: Runtime): Handlers | undefined {
  const { inngest, deps } = runtime.jobs;
  if (!inngest) return undefined;
  handlers ??= serve({
    client: inngest,
    functions: createFunctions(inngest, async () => deps),
    serveOrigin: runtime.config.appUrl,
    servePath: "/api/inngest",
  });
  return handlers;
}

async function handle(req: NextRequest, context: unknown, method: "GET" | "POST" | "PUT"): Promise<Response> {
  const served = handlersFor(await getRuntime());
  // Embedded mode: no Inngest variable is set and the in-process worker delivers email.
  if (!served) return Response.json({ error: "Inngest mode is off (no INNGEST_* variable set)" }, { status: 404 });
  return served[method](req, context);
}

export const GET = (req: NextRequest, context: unknown) => handle(req, context, "GET");
export const POST = (req: NextRequest, context: unknown) => handle(req, context, "POST");
export const PUT = (req: NextRequest, context: unknown) => handle(req, context, "PUT");

import { appRouter, createContext } from "@rekey/api";
import { getRuntime } from "@rekey/api/runtime";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

export const dynamic = "force-dynamic";

async function handler(req: Request): Promise<Response> {
  const runtime = await getRuntime();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContext(runtime, req, resHeaders, "web"),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        runtime.logger.error({ path, err: { name: error.cause?.name, message: error.cause?.message, stack: error.cause?.stack } }, "tRPC procedure failed");
      }
    },
  });
}

export { handler as GET, handler as POST };

import { handleRestRequest } from "@rekey/api/rest";
import { getRuntime } from "@rekey/api/runtime";

export const dynamic = "force-dynamic";

async function handler(req: Request): Promise<Response> {
  return handleRestRequest(req, await getRuntime());
}

export { handler as DELETE, handler as GET, handler as HEAD, handler as OPTIONS, handler as PATCH, handler as POST, handler as PUT };

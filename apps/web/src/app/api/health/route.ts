import { healthResponse } from "@rekey/api";
import { getRuntime } from "@rekey/api/runtime";

export const dynamic = "force-dynamic";

export function GET(): Promise<Response> {
  return healthResponse(getRuntime);
}

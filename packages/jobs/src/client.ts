import type { Config } from "@rekey/config";
import { Inngest } from "inngest";

/** The SDK has no timeout of its own: a server that never answers would hang the caller forever. */
function boundedFetch(timeoutMs: number): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
}

const SEND_TIMEOUT_MS = 3_000;

/** The Inngest client (Inngest Cloud, or a self-hosted `inngest start` at INNGEST_BASE_URL). */
export function createInngest(config: Config): Inngest {
  return new Inngest({
    id: "rekey",
    eventKey: config.inngest.eventKey,
    signingKey: config.inngest.signingKey,
    baseUrl: config.inngest.baseUrl,
    isDev: config.inngest.dev ? config.inngest.dev !== "0" : undefined,
    fetch: boundedFetch(SEND_TIMEOUT_MS),
  });
}

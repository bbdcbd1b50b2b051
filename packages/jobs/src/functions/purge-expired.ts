import type { Inngest } from "inngest";
import type { JobDeps } from "../deliver";
import { purgeExpired as purge } from "../purge";

/** Cron, hourly: expired tokens, finished outbox rows, old mailbox messages, spent rate-limit windows. */
export function purgeExpired(inngest: Inngest, getDeps: () => Promise<JobDeps>) {
  return inngest.createFunction({ id: "purge-expired", triggers: [{ cron: "17 * * * *" }], retries: 2 }, async ({ step }) =>
    step.run("purge", async () => purge((await getDeps()).auth)),
  );
}

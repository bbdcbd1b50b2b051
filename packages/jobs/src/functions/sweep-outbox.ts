import { and, emailOutbox, eq, lt } from "@rekey/db";
import type { Inngest } from "inngest";
import type { JobDeps } from "../deliver";
import { dispatchToInngest } from "../dispatch";

/** A pending row older than this had its event lost (a send that timed out, a crash before sending). */
export const STUCK_AFTER_SECONDS = 120;

/**
 * Cron: re-sends the event of every outbox row stuck in `pending`. The event id is the row id, so Inngest
 * drops a duplicate of an event it already has, and the idempotency key stops a second email anyway.
 */
export function sweepOutbox(inngest: Inngest, getDeps: () => Promise<JobDeps>) {
  return inngest.createFunction({ id: "sweep-email-outbox", triggers: [{ cron: "* * * * *" }], retries: 1 }, async ({ step }) =>
    step.run("redispatch-stuck-rows", async () => {
      const { auth } = await getDeps();
      const cutoff = new Date(auth.clock().getTime() - STUCK_AFTER_SECONDS * 1000);
      const stuck = await auth.db
        .select({ id: emailOutbox.id, kind: emailOutbox.kind })
        .from(emailOutbox)
        .where(and(eq(emailOutbox.status, "pending"), lt(emailOutbox.updatedAt, cutoff)))
        .limit(500);
      if (stuck.length) await dispatchToInngest(inngest, stuck);
      return { redispatched: stuck.length };
    }),
  );
}

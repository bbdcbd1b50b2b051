import { and, emailOutbox, eq, gt, lt } from "@rekey/db";
import type { Inngest } from "inngest";
import type { JobDeps } from "../deliver";
import { dispatchToInngest } from "../dispatch";
import { expireOverdue } from "../outbox";

/** A pending row due this long ago and untouched since had its event lost (a send that timed out, a crash). */
export const STUCK_AFTER_SECONDS = 120;

/**
 * Cron: expires pending rows whose deadline has passed (their event was lost, so no run would ever do it),
 * then re-sends the event of every row stuck in `pending` with time left. The event id is the row id, so
 * Inngest drops a duplicate of an event it already has, and the idempotency key stops a second email anyway.
 * A row waiting for a scheduled retry is not stuck: its next attempt is still ahead.
 */
export function sweepOutbox(inngest: Inngest, getDeps: () => Promise<JobDeps>) {
  return inngest.createFunction({ id: "sweep-email-outbox", triggers: [{ cron: "* * * * *" }], retries: 1 }, async ({ step }) =>
    step.run("redispatch-stuck-rows", async () => {
      const { auth } = await getDeps();
      const expired = await expireOverdue(auth);
      const now = auth.clock();
      const cutoff = new Date(now.getTime() - STUCK_AFTER_SECONDS * 1000);
      const stuck = await auth.db
        .select({ id: emailOutbox.id, kind: emailOutbox.kind })
        .from(emailOutbox)
        .where(
          and(
            eq(emailOutbox.status, "pending"),
            lt(emailOutbox.nextAttemptAt, cutoff),
            lt(emailOutbox.updatedAt, cutoff),
            gt(emailOutbox.expiresAt, now),
          ),
        )
        .limit(500);
      if (stuck.length) await dispatchToInngest(inngest, stuck);
      return { redispatched: stuck.length, expired };
    }),
  );
}

import { formatLocalTime, mintResetLink, type AuthDeps } from "@rekey/auth";
import { emailOutbox, eq, users, type OutboxRow } from "@rekey/db";
import { renderEmail, type RenderedEmail, type Transport } from "@rekey/email";
import type { Locale } from "@rekey/validators";
import { markSent, markSkipped, recordFailure } from "./outbox";
import { PermanentDeliveryError, RetryableDeliveryError, type StepRunner } from "./step";

export interface JobDeps {
  auth: AuthDeps;
  transport: Transport;
  /** Test seam: called after the provider accepted a message and before the row is marked sent. */
  afterSend?: (outboxId: string) => void | Promise<void>;
}

export type DeliveryOutcome =
  | { status: "sent"; providerMessageId: string }
  | { status: "skipped"; reason: string }
  | { status: "done-before"; rowStatus: string };

const asLocale = (value: string): Locale => (value === "en" ? "en" : "zh-CN");

/** Renders the email an outbox row stands for, or says why there is none to send. */
async function compose(deps: AuthDeps, row: OutboxRow): Promise<RenderedEmail | { skip: string }> {
  const { config } = deps;
  const locale = asLocale(row.locale);
  if (row.kind === "password_reset") {
    const minted = await mintResetLink(deps, row.id);
    if (minted.status === "skip") return { skip: minted.reason };
    return renderEmail({
      kind: "password_reset",
      props: {
        appName: config.appName,
        username: minted.user.username,
        link: minted.link,
        expiresInMinutes: Math.round(config.resetTtlSeconds / 60),
        locale,
      },
    });
  }
  const [user] = row.userId ? await deps.db.select().from(users).where(eq(users.id, row.userId)) : [];
  if (!user) return { skip: "account_deleted" };
  const at = row.payload.at ? new Date(row.payload.at) : row.createdAt;
  return renderEmail({
    kind: "password_changed",
    props: {
      appName: config.appName,
      username: user.username,
      changedAt: `${formatLocalTime(at, config.timezone)} (${config.timezone})`,
      ip: row.payload.ip ?? "",
      userAgent: row.payload.userAgent ?? "",
      resetUrl: `${config.appUrl}/forgot-password`,
      locale,
    },
  });
}

/**
 * The job body shared by the Inngest functions and the embedded worker: one outbox row → at most one
 * email. The link is minted, rendered and sent inside one step, so no step output (which Inngest
 * stores) ever holds the token. The outbox id is the provider's idempotency key: a retry, or a row
 * re-claimed after a crash, never sends a second email.
 */
export async function deliverOutboxRow(deps: JobDeps, outboxId: string, step: StepRunner): Promise<DeliveryOutcome> {
  return step.run("send-email", async () => {
    const auth = deps.auth;
    const [row] = await auth.db.select().from(emailOutbox).where(eq(emailOutbox.id, outboxId));
    if (!row) throw new PermanentDeliveryError(`outbox row ${outboxId} does not exist`);
    if (row.status !== "pending") return { status: "done-before", rowStatus: row.status } as const;

    const email = await compose(auth, row);
    if ("skip" in email) {
      await markSkipped(auth, outboxId, email.skip);
      return { status: "skipped", reason: email.skip } as const;
    }
    const result = await deps.transport.send({ to: row.recipient, ...email, idempotencyKey: row.id });
    if (!result.ok) {
      const error = result.retryable
        ? new RetryableDeliveryError(result.error, result.retryAfterSeconds)
        : new PermanentDeliveryError(result.error);
      await recordFailure(auth, outboxId, error);
      auth.logger.warn({ outboxId, kind: row.kind, status: result.status, retryable: result.retryable, err: error }, "email not accepted");
      throw error;
    }
    await deps.afterSend?.(outboxId);
    await markSent(auth, outboxId, result.id);
    auth.logger.info({ outboxId, kind: row.kind }, "email sent");
    return { status: "sent", providerMessageId: result.id } as const;
  });
}

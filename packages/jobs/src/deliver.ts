import { formatLocalTime, mintResetLink, mintSecureAccountLink, type AuthDeps } from "@rekey/auth";
import { emailOutbox, eq, safeErrorText, users, type OutboxRow } from "@rekey/db";
import { createEmailRenderer, type RenderedEmail, type Transport } from "@rekey/email";
import { localeOrDefault } from "@rekey/validators";
import { markExpired, markSent, markSkipped, recordFailure } from "./outbox";
import { DEFAULT_RETRY_POLICY, planRetry, sendGuardMs, tooLateToSend, type RetryPolicy } from "./retry";
import { PermanentDeliveryError, RetryableDeliveryError, type StepRunner } from "./step";

/** The log line says where the email went: an operator must tell stored-for-a-demo from sent. */
function sentMessage(transport: Transport, id: string | null): string {
  if (transport.kind === "mailbox") return "email stored in the local mailbox";
  if (transport.kind === "resend") return id ? `email accepted by Resend (id ${id})` : "email accepted by Resend (already accepted earlier)";
  return "email sent";
}

export interface JobDeps {
  auth: AuthDeps;
  transport: Transport;
  /** Test seam: called after the provider accepted a message and before the row is marked sent. */
  afterSend?: (outboxId: string) => void | Promise<void>;
}

export interface DeliveryOptions {
  /** Attempts and jitter; the row's deadline bounds the retries either way. */
  policy?: RetryPolicy;
  /** The embedded worker's claim on the row: a failure is recorded only while the claim still holds it. */
  claim?: string;
  /** The row as the claim returned it (the embedded worker): saves reading it again. */
  row?: OutboxRow;
}

export type DeliveryOutcome =
  | { status: "sent"; providerMessageId: string | null }
  | { status: "skipped"; reason: string }
  | { status: "expired"; reason: string }
  | { status: "done-before"; rowStatus: string };

/** Compiled once per template shape and process: a full React render per email would own the event loop. */
const renderer = createEmailRenderer();

/** Renders the email an outbox row stands for, or says why there is none to send. */
async function compose(deps: AuthDeps, row: OutboxRow): Promise<RenderedEmail | { skip: string }> {
  const { config } = deps;
  const locale = localeOrDefault(row.locale);
  if (row.kind === "password_reset") {
    const minted = await mintResetLink(deps, row);
    // Opt-in: the address has no account, and the person waiting is told so (no link, no code). The request
    // path was the same as for a known address, so the answer and its timing told nothing.
    if (minted.status === "skip" && minted.reason === "unknown_email" && config.notifyUnknownEmail) {
      return renderer.render({ kind: "no_account", props: { appName: config.appName, locale } });
    }
    if (minted.status === "skip") return { skip: minted.reason };
    return renderer.render({
      kind: "password_reset",
      props: {
        appName: config.appName,
        username: minted.user.username,
        link: minted.link,
        code: `${minted.code.slice(0, 4)} ${minted.code.slice(4)}`,
        // From the stored deadline: a retry renders the same words even if the TTL setting changed since.
        expiresInMinutes: Math.round((minted.expiresAt.getTime() - row.createdAt.getTime()) / 60_000),
        locale,
      },
    });
  }
  const [user] = row.userId ? await deps.db.select().from(users).where(eq(users.id, row.userId)) : [];
  if (!user) return { skip: "account_deleted" };
  const secureUrl = await mintSecureAccountLink(deps, row);
  if (!secureUrl) return { skip: "account_deleted" };
  const at = row.payload.at ? new Date(row.payload.at) : row.createdAt;
  return renderer.render({
    kind: "password_changed",
    props: {
      appName: config.appName,
      username: user.username,
      changedAt: `${formatLocalTime(at, config.timezone)} (${config.timezone})`,
      ip: row.payload.ip ?? "",
      userAgent: row.payload.userAgent ?? "",
      resetUrl: `${config.appUrl}/forgot-password`,
      secureUrl,
      locale,
    },
  });
}

/**
 * The job body shared by the Inngest functions and the embedded worker: one outbox row → at most one
 * email, and never after the row's deadline. The link is minted, rendered and sent inside one step, so no
 * step output (which Inngest stores) ever holds the token. The outbox id is the provider's idempotency key:
 * a retry, or a row re-claimed after a crash, never sends a second email.
 *
 * A failed attempt is recorded on the row with what follows it (see retry.ts): the next attempt's time
 * (thrown as a {@link RetryableDeliveryError} carrying `retryInMs`), the row expired (returned), or dead
 * (thrown as a {@link PermanentDeliveryError}).
 */
export async function deliverOutboxRow(deps: JobDeps, outboxId: string, step: StepRunner, options: DeliveryOptions = {}): Promise<DeliveryOutcome> {
  return step.run("send-email", async () => {
    const auth = deps.auth;
    const [row] = options.row?.id === outboxId ? [options.row] : await auth.db.select().from(emailOutbox).where(eq(emailOutbox.id, outboxId));
    if (!row) throw new PermanentDeliveryError(`outbox row ${outboxId} does not exist`);
    if (row.status !== "pending") return { status: "done-before", rowStatus: row.status } as const;
    const guardMs = sendGuardMs(deps.transport);
    const expire = async (reason: string): Promise<DeliveryOutcome> => {
      await markExpired(auth, row, reason);
      return { status: "expired", reason };
    };

    try {
      if (tooLateToSend(row.expiresAt, auth.clock(), guardMs)) return await expire("the delivery deadline passed before the attempt");
      const email = await compose(auth, row);
      if ("skip" in email) {
        if (email.skip === "expired") return await expire("the link expired before the attempt");
        await markSkipped(auth, outboxId, email.skip);
        return { status: "skipped", reason: email.skip } as const;
      }
      // Minting and rendering took time: the last look at the clock before the provider gets it.
      if (tooLateToSend(row.expiresAt, auth.clock(), guardMs)) return await expire("the delivery deadline passed before the send");
      const result = await deps.transport.send({ to: row.recipient, ...email, idempotencyKey: row.id });
      if (!result.ok) {
        throw result.retryable
          ? new RetryableDeliveryError(result.error, result.retryAfterSeconds, result.inFlight)
          : new PermanentDeliveryError(result.error);
      }
      await deps.afterSend?.(outboxId);
      await markSent(auth, outboxId, result.id);
      auth.logger.info(
        { outboxId, kind: row.kind, providerMessageId: result.id, alreadyAccepted: result.alreadyAccepted ?? false },
        sentMessage(deps.transport, result.id),
      );
      return { status: "sent", providerMessageId: result.id } as const;
    } catch (error) {
      return failed(deps, row, error, guardMs, options);
    }
  });
}

/** Records a failed attempt and decides what follows; see {@link deliverOutboxRow}. */
async function failed(deps: JobDeps, row: OutboxRow, error: unknown, guardMs: number, options: DeliveryOptions): Promise<DeliveryOutcome> {
  const auth = deps.auth;
  const provider = error instanceof RetryableDeliveryError || error instanceof PermanentDeliveryError;
  if (provider) {
    auth.logger.warn({ outboxId: row.id, kind: row.kind, retryable: error instanceof RetryableDeliveryError, err: error }, "email not accepted");
  } else {
    // Our own fault (database hiccup, render bug): counted like any failed attempt. The logger serialises
    // database errors by SQLSTATE and message only (the query's parameters hold the link).
    auth.logger.error({ outboxId: row.id, err: error }, "email job failed");
  }
  const plan = planRetry(
    {
      attempts: row.attempts + 1,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      now: auth.clock(),
      permanent: error instanceof PermanentDeliveryError,
      retryAfterSeconds: error instanceof RetryableDeliveryError ? error.retryAfterSeconds : undefined,
      inFlight: error instanceof RetryableDeliveryError && error.inFlight,
    },
    options.policy ?? DEFAULT_RETRY_POLICY,
    guardMs,
  );
  // If this fails too (the database is down), the original error goes up: the row keeps its state, and
  // the lease (or Inngest's own retry) brings it back.
  const recorded = await recordFailure(auth, row.id, error, plan, options.claim);
  // Unrecorded: another worker holds the row now (this one's lease lapsed); it decides what follows.
  if (!recorded) throw error;
  if (plan.action === "expire") return { status: "expired", reason: plan.reason };
  if (plan.action === "dead")
    throw error instanceof PermanentDeliveryError ? error : new PermanentDeliveryError(`${plan.reason}: ${safeErrorText(error)}`);
  // Our own errors travel on without their cause: a database error's parameters hold the link.
  const retry = error instanceof RetryableDeliveryError ? error : new RetryableDeliveryError(safeErrorText(error));
  retry.retryInMs = plan.delayMs;
  throw retry;
}

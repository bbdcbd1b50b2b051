import { audit } from "./audit";
import { verifyCaptcha } from "./captcha";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";
import { deliveryDeadline, enqueueEmail, notifyOutbox } from "./outbox";
import { enforceLimit, hitLimit, ipSubject } from "./rate-limit";
import { findUserByEmail } from "./users";

export interface RequestPasswordResetResult {
  expiresAt: Date;
}

/**
 * `required`: a valid captcha solution must come with the request. `adaptive`: only once the client IP is
 * past the `captcha_soft` limit. `off`: never.
 */
export type CaptchaPolicy = "required" | "adaptive" | "off";

/**
 * Accepts a reset request for a normalised email address and queues the email job.
 *
 * The work done here is the same whether or not the address has an account (the job resolves it), so
 * status, body and timing do not tell them apart. Only `revealUnknownEmail` looks the account up here.
 * Past the per-address limit the answer stays the same but nothing is queued: nobody can flood an inbox.
 */
export async function requestPasswordReset(
  deps: AuthDeps,
  input: { email: string; captcha?: string },
  meta: RequestMeta,
  captchaPolicy: CaptchaPolicy = "off",
): Promise<RequestPasswordResetResult> {
  const { config, db } = deps;
  await enforceLimit(deps, meta, "reset_ip", ipSubject(meta.ip));
  const needsCaptcha =
    captchaPolicy === "required" || (captchaPolicy === "adaptive" && (await hitLimit(deps, "captcha_soft", ipSubject(meta.ip))).limited);
  if (needsCaptcha && !(await verifyCaptcha(deps, input.captcha))) {
    await audit(db, deps.clock(), meta, { event: "password_reset.request_refused", reason: input.captcha ? "captcha_invalid" : "captcha_missing", subject: input.email });
    throw new AuthError("CAPTCHA_REQUIRED");
  }
  const now = deps.clock();

  if (config.revealUnknownEmail && !(await findUserByEmail(db, input.email))) {
    await audit(db, now, meta, { event: "password_reset.request_refused", reason: "unknown_email", subject: input.email });
    throw new AuthError("EMAIL_NOT_REGISTERED");
  }

  const perAddress = await hitLimit(deps, "reset_email", input.email);
  if (perAddress.limited) {
    await audit(db, now, meta, { event: "rate_limit.hit", reason: "reset_email", subject: input.email });
    // The same answer as a queued request, its expiry computed the same way.
    return { expiresAt: deliveryDeadline(config, "password_reset", now) };
  }

  const queued = await db.transaction(async (tx) => {
    const row = await enqueueEmail(tx, deps, { kind: "password_reset", recipient: input.email, meta, at: now });
    await audit(tx, now, meta, { event: "password_reset.requested", subject: input.email, details: { outboxId: row.id } });
    return row;
  });
  notifyOutbox(deps, [queued]);
  return { expiresAt: queued.expiresAt };
}

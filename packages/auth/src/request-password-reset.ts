import { audit, type AuditEntry } from "./audit";
import { verifyCaptcha } from "./captcha";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";
import { deliveryDeadline, enqueueEmail, notifyOutbox } from "./outbox";
import { giveBackLimits, hitLimits, ipSubject, refusedEarlier, rememberRefusal } from "./rate-limit";
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
  // Past the per-IP limit already (this process refused it in this window): refused again, nothing counted.
  const remembered = refusedEarlier(deps, "reset_ip", ipSubject(meta.ip));
  if (remembered !== null) throw new AuthError("RATE_LIMITED", {}, remembered);
  // Every counter of this request in one statement; the ones a refused request should not spend are given
  // back (refusals are rare, requests are not).
  const hits = await hitLimits(deps, [
    { name: "reset_ip", subject: ipSubject(meta.ip) },
    ...(captchaPolicy === "adaptive" ? [{ name: "captcha_soft" as const, subject: ipSubject(meta.ip) }] : []),
    { name: "reset_email", subject: input.email },
  ]);
  const [byIp, perAddress] = [hits[0]!, hits[hits.length - 1]!];
  const soft = captchaPolicy === "adaptive" ? hits[1]! : undefined;
  const refuse = async (error: AuthError, entry: AuditEntry): Promise<never> => {
    await giveBackLimits(deps, [perAddress, ...(byIp.limited && soft ? [soft] : [])]);
    await audit(db, deps.clock(), meta, entry);
    throw error;
  };
  if (byIp.limited) {
    rememberRefusal(deps, byIp);
    await refuse(new AuthError("RATE_LIMITED", {}, byIp.retryAfter), { event: "rate_limit.hit", reason: "reset_ip", subject: ipSubject(meta.ip) });
  }
  const needsCaptcha = captchaPolicy === "required" || (soft?.limited ?? false);
  if (needsCaptcha && !(await verifyCaptcha(deps, input.captcha))) {
    await refuse(new AuthError("CAPTCHA_REQUIRED"), {
      event: "password_reset.request_refused",
      reason: input.captcha ? "captcha_invalid" : "captcha_missing",
      subject: input.email,
    });
  }
  const now = deps.clock();

  if (config.revealUnknownEmail && !(await findUserByEmail(db, input.email))) {
    await refuse(new AuthError("EMAIL_NOT_REGISTERED"), { event: "password_reset.request_refused", reason: "unknown_email", subject: input.email });
  }

  if (perAddress.limited) {
    await audit(db, now, meta, { event: "rate_limit.hit", reason: "reset_email", subject: input.email });
    // The same answer as a queued request, its expiry computed the same way.
    return { expiresAt: deliveryDeadline(config, "password_reset", now) };
  }

  const queued = await enqueueEmail(db, deps, {
    kind: "password_reset",
    recipient: input.email,
    meta,
    at: now,
    audit: { event: "password_reset.requested", subject: input.email },
  });
  notifyOutbox(deps, [queued]);
  return { expiresAt: queued.expiresAt };
}

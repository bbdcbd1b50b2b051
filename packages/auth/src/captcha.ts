import { createHmac } from "node:crypto";
import { usedCaptchas } from "@rekey/db";
import { createChallenge, randomInt, verifySolution, type Challenge, type Payload } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import type { AuthDeps, CaptchaWork } from "./deps";

/** How long a challenge may be solved and submitted. */
const CAPTCHA_TTL_SECONDS = 5 * 60;
/** About 0.3-1 s of work in a browser (about 0.3-0.7 s in Node here). */
const CAPTCHA_WORK: CaptchaWork = { cost: 1_000, counter: { min: 300, max: 1_500 } };

function keys(secret: string) {
  const derive = (purpose: string) => createHmac("sha256", secret).update(`captcha:${purpose}`).digest("base64url");
  return { hmacSignatureSecret: derive("challenge"), hmacKeySignatureSecret: derive("key") };
}

/** A signed ALTCHA proof-of-work challenge (self-hosted: no third party, works offline). */
export async function createCaptchaChallenge(deps: AuthDeps): Promise<Challenge> {
  const expiresAt = new Date(deps.clock().getTime() + CAPTCHA_TTL_SECONDS * 1000);
  const work = deps.captchaWork ?? CAPTCHA_WORK;
  return createChallenge({
    algorithm: "PBKDF2/SHA-256",
    cost: work.cost,
    counter: randomInt(work.counter.min, work.counter.max),
    deriveKey,
    // Expiry travels in the signed `data`, checked against the injected clock (altcha-lib would use the real one).
    data: { exp: Math.floor(expiresAt.getTime() / 1000) },
    ...keys(deps.secret),
  });
}

function decode(payload: string): Payload | null {
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as Payload;
    return parsed?.challenge?.parameters && parsed.solution ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * True when `payload` (the widget's base64 JSON) solves a challenge we signed, unexpired, and has not been
 * used before. A solution is recorded as used at once, so it can never pass twice.
 */
export async function verifyCaptcha(deps: AuthDeps, payload: string | undefined | null): Promise<boolean> {
  if (!payload) return false;
  const decoded = decode(payload);
  const signature = decoded?.challenge.signature;
  if (!decoded || !signature) return false;
  const expiresAtSeconds = Number(decoded.challenge.parameters.data?.exp);
  if (!expiresAtSeconds || expiresAtSeconds * 1000 <= deps.clock().getTime()) return false;
  const result = await verifySolution({ challenge: decoded.challenge, solution: decoded.solution, deriveKey, ...keys(deps.secret) }).catch(
    () => null,
  );
  if (!result?.verified) return false;
  // The race point for replays: only one insert of a signature can succeed.
  const inserted = await deps.db
    .insert(usedCaptchas)
    .values({ signature, expiresAt: new Date(expiresAtSeconds * 1000) })
    .onConflictDoNothing()
    .returning({ signature: usedCaptchas.signature });
  return inserted.length === 1;
}

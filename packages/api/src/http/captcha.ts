import { createCaptchaChallenge } from "@rekey/auth";
import type { Runtime } from "@rekey/runtime";
import { failure, json } from "./envelope";
import type { HttpRequest } from "./node";

/**
 * ALTCHA challenges for the forgot-password and sign-in forms, and for REST clients asked for a captcha
 * (`data.challenge_url`). Outside /api/v1: its answer is the widget's challenge format, not the envelope.
 */
export const CAPTCHA_CHALLENGE_PATH = "/api/captcha/challenge";

export async function captchaChallengeResponse(req: HttpRequest, runtime: Runtime): Promise<Response> {
  if (req.method !== "GET") return failure("METHOD_NOT_ALLOWED", "zh-CN", { headers: new Headers({ allow: "GET" }) });
  return json(200, await createCaptchaChallenge(runtime.deps));
}

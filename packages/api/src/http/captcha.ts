import { createCaptchaChallenge } from "@rekey/auth";
import { ERROR_CODES } from "@rekey/validators";
import type { Runtime } from "../runtime";
import type { HttpRequest } from "./node";

/**
 * ALTCHA challenges for the forgot-password and sign-in forms, and for REST clients asked for a captcha
 * (`data.challenge_url`). Outside /api/v1: its answer is the widget's challenge format, not the envelope.
 */
export const CAPTCHA_CHALLENGE_PATH = "/api/captcha/challenge";

export async function captchaChallengeResponse(req: HttpRequest, runtime: Runtime): Promise<Response> {
  const headers = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };
  if (req.method !== "GET") {
    const { code, zh } = ERROR_CODES.METHOD_NOT_ALLOWED;
    return new Response(JSON.stringify({ code, msg: zh, data: null }), { status: 405, headers: { ...headers, allow: "GET" } });
  }
  return new Response(JSON.stringify(await createCaptchaChallenge(runtime.deps)), { status: 200, headers });
}

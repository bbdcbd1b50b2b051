import { expiryFields, publicUser, signIn as signInService } from "@rekey/auth";
import { signInInput, signInOutput } from "@rekey/validators";
import { setSessionCookie } from "../../cookies";
import { publicProcedure } from "../../trpc";

/**
 * Web: the session goes into an httpOnly cookie. REST: the bearer token is returned. The input, `captcha`
 * included, goes to the service: past the per-account failure limit it answers CAPTCHA_REQUIRED
 * (REST: 403 with `data.challenge_url`) until a solved captcha comes with the attempt.
 */
export const signIn = publicProcedure
  .meta({
    openapi: {
      method: "POST",
      path: "/user/login",
      summary: "Sign in with an email address or username; returns a bearer token",
      errors: ["INVALID_CREDENTIALS", "ACCOUNT_LOCKED", "RATE_LIMITED", "CAPTCHA_REQUIRED"],
      message: "login",
    },
  })
  .input(signInInput)
  .output(signInOutput)
  .mutation(async ({ ctx, input }) => {
    const kind = ctx.transport === "web" ? "web" : "api";
    const session = await signInService(ctx.runtime.deps, input, kind, ctx.meta);
    if (kind === "web") setSessionCookie(ctx, session);
    return {
      token: kind === "api" ? session.token : undefined,
      user: publicUser(session.user),
      ...expiryFields(session.expiresAt, ctx.runtime.config.timezone),
    };
  });

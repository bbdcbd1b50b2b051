import { expiryFields, requestPasswordReset } from "@rekey/auth";
import { requestPasswordResetInput, requestPasswordResetOutput } from "@rekey/validators";
import { publicProcedure } from "../../../trpc";

export const request = publicProcedure
  .meta({
    openapi: {
      method: "POST",
      path: "/user/requestPasswordReset",
      summary: "Request a password reset email",
      errors: ["EMAIL_NOT_REGISTERED", "RATE_LIMITED", "CAPTCHA_REQUIRED"],
      message: "requestPasswordReset",
    },
  })
  .input(requestPasswordResetInput)
  .output(requestPasswordResetOutput)
  .mutation(async ({ ctx, input }) => {
    const { captcha } = ctx.runtime.config;
    // The web form always carries a captcha; REST clients follow CAPTCHA (adaptive: after a soft limit).
    const policy = captcha === "off" ? "off" : ctx.transport === "web" || captcha === "always" ? "required" : "adaptive";
    const { expiresAt } = await requestPasswordReset(ctx.runtime.deps, input, ctx.meta, policy);
    return expiryFields(expiresAt, ctx.runtime.config.timezone);
  });

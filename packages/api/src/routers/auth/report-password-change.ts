import { reportPasswordChange as reportPasswordChangeService } from "@rekey/auth";
import { reportPasswordChangeInput, reportPasswordChangeOutput } from "@rekey/validators";
import { clearSessionCookie } from "../../cookies";
import { publicProcedure } from "../../trpc";

/** "This wasn't me", confirmed on the page the password-changed email links to (opening it does nothing). */
export const reportPasswordChange = publicProcedure
  .meta({
    openapi: {
      method: "POST",
      path: "/user/reportPasswordChange",
      summary: "Report a password change as not yours: end every session and lock password sign-in until a reset",
      errors: ["TOKEN_INVALID", "TOKEN_EXPIRED", "RATE_LIMITED"],
      message: "reportPasswordChange",
    },
  })
  .input(reportPasswordChangeInput)
  .output(reportPasswordChangeOutput)
  .mutation(async ({ ctx, input }) => {
    await reportPasswordChangeService(ctx.runtime.deps, input, ctx.meta);
    if (ctx.transport === "web") clearSessionCookie(ctx);
    return null;
  });

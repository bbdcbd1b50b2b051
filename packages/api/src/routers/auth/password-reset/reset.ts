import { resetPassword } from "@rekey/auth";
import { resetPasswordInput, resetPasswordOutput } from "@rekey/validators";
import { publicProcedure } from "../../../trpc";
import { clearSessionCookie } from "../../../cookies";

export const reset = publicProcedure
  .meta({
    openapi: {
      method: "POST",
      path: "/user/resetPassword",
      summary: "Set a new password with a reset token",
      errors: ["TOKEN_INVALID", "TOKEN_EXPIRED", "USER_NOT_FOUND", "PASSWORD_TOO_SHORT", "PASSWORD_TOO_COMMON", "PASSWORD_UNCHANGED", "RATE_LIMITED"],
      message: "resetPassword",
    },
  })
  .input(resetPasswordInput)
  .output(resetPasswordOutput)
  .mutation(async ({ ctx, input }) => {
    await resetPassword(ctx.runtime.deps, input, ctx.meta);
    // Every session of the account is gone; drop this browser's cookie too.
    if (ctx.transport === "web") clearSessionCookie(ctx);
    return null;
  });

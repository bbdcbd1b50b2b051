import { resetPassword } from "@rekey/auth";
import { resetPasswordInput, resetPasswordOutput } from "@rekey/validators";
import { publicProcedure } from "../../../trpc";
import { clearSessionCookie } from "../../../cookies";

export const reset = publicProcedure
  .input(resetPasswordInput)
  .output(resetPasswordOutput)
  .mutation(async ({ ctx, input }) => {
    await resetPassword(ctx.runtime.deps, input, ctx.meta);
    // Every session of the account is gone; drop this browser's cookie too.
    if (ctx.transport === "web") clearSessionCookie(ctx);
    return null;
  });

import { expiryFields, verifyResetToken } from "@rekey/auth";
import { verifyResetTokenInput, verifyResetTokenOutput } from "@rekey/validators";
import { publicProcedure } from "../../../trpc";

/** A mutation (POST) although it changes nothing: as a query the token would travel in the URL. */
export const verify = publicProcedure
  .meta({
    openapi: {
      method: "POST",
      path: "/user/verifyResetToken",
      summary: "Check a reset token without using it",
      errors: ["TOKEN_INVALID", "TOKEN_EXPIRED", "USER_NOT_FOUND", "RATE_LIMITED"],
      message: "verifyResetToken",
    },
  })
  .input(verifyResetTokenInput)
  .output(verifyResetTokenOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await verifyResetToken(ctx.runtime.deps, input, ctx.meta);
    return {
      email: result.maskedEmail,
      username: result.username,
      valid: true as const,
      ...expiryFields(result.expiresAt, ctx.runtime.config.timezone),
    };
  });

import { expiryFields, requestPasswordReset } from "@rekey/auth";
import { requestPasswordResetInput, requestPasswordResetOutput } from "@rekey/validators";
import { publicProcedure } from "../../../trpc";

export const request = publicProcedure
  .input(requestPasswordResetInput)
  .output(requestPasswordResetOutput)
  .mutation(async ({ ctx, input }) => {
    const { expiresAt } = await requestPasswordReset(ctx.runtime.deps, { email: input.email }, ctx.meta);
    return expiryFields(expiresAt, ctx.runtime.config.timezone);
  });

import { signOut as signOutService } from "@rekey/auth";
import { signOutOutput } from "@rekey/validators";
import { clearSessionCookie } from "../../cookies";
import { protectedProcedure } from "../../trpc";

export const signOut = protectedProcedure
  .meta({
    openapi: { method: "POST", path: "/user/logout", summary: "End the bearer session", protect: true, errors: ["UNAUTHORIZED"], message: "logout" },
  })
  .output(signOutOutput)
  .mutation(async ({ ctx }) => {
    await signOutService(ctx.runtime.deps, ctx.session, ctx.meta);
    if (ctx.transport === "web") clearSessionCookie(ctx);
    return null;
  });

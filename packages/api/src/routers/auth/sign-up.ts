import { createSession, publicUser, signUp as signUpService } from "@rekey/auth";
import { signUpInput, userOutput } from "@rekey/validators";
import { setSessionCookie } from "../../cookies";
import { publicProcedure } from "../../trpc";

/** Creates the account; on the web the new user is signed in straight away. */
export const signUp = publicProcedure
  .meta({
    openapi: {
      method: "POST",
      path: "/user/register",
      summary: "Create an account",
      errors: ["EMAIL_TAKEN", "USERNAME_TAKEN", "PASSWORD_TOO_SHORT", "PASSWORD_TOO_COMMON", "RATE_LIMITED"],
      message: "register",
    },
  })
  .input(signUpInput)
  .output(userOutput)
  .mutation(async ({ ctx, input }) => {
    const deps = ctx.runtime.deps;
    const user = await signUpService(deps, input, ctx.meta);
    if (ctx.transport === "web") setSessionCookie(ctx, await createSession(deps, deps.db, user.id, "web", ctx.meta));
    return publicUser(user);
  });

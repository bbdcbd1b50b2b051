import { publicUser } from "@rekey/auth";
import { userOutput } from "@rekey/validators";
import { protectedProcedure } from "../../trpc";

export const me = protectedProcedure
  .meta({
    openapi: { method: "GET", path: "/user/me", summary: "The signed-in account", protect: true, errors: ["UNAUTHORIZED"], message: "me" },
  })
  .output(userOutput)
  .query(({ ctx }) => publicUser(ctx.session.user));

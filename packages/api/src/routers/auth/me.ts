import { publicUser } from "@rekey/auth";
import { userOutput } from "@rekey/validators";
import { protectedProcedure } from "../../trpc";

export const me = protectedProcedure.output(userOutput).query(({ ctx }) => publicUser(ctx.session.user));

import { AuthError, getSession } from "@rekey/auth";
import { initTRPC, TRPCError } from "@trpc/server";
import type { ApiContext } from "./context";
import { describeError, toTRPCError } from "./errors";
import type { ProcedureMeta } from "./rest/meta";

const t = initTRPC
  .context<ApiContext>()
  .meta<ProcedureMeta>()
  .create({
    /** Never stack traces or internal messages: only the domain code, its message and what a client can act on. */
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const described = describeError(error, ctx?.meta.locale ?? "zh-CN");
      return {
        ...shape,
        message: described.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          domainCode: described.code,
          retryAfter: described.retryAfter ?? null,
          issues: described.issues ?? null,
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain failures leave every procedure as tRPC errors with the registry's code and a localised message. */
const domainErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AuthError) throw toTRPCError(result.error.cause, ctx.meta.locale);
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

/** Requires a live session (cookie on the web, bearer token on REST). */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const session = await getSession(ctx.runtime.deps, ctx.sessionToken);
  if (!session) throw new TRPCError({ code: "UNAUTHORIZED", cause: new AuthError("UNAUTHORIZED") });
  return next({ ctx: { ...ctx, session } });
});

import { authRouter } from "./routers/auth";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({ auth: authRouter });
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

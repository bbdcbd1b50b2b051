import { createTRPCRouter } from "../../../trpc";
import { request } from "./request";
import { reset } from "./reset";
import { verify } from "./verify";

export const passwordResetRouter = createTRPCRouter({ request, verify, reset });

// @ts-check
// Better Auth's Next.js mount, as its guide writes it.
import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "../../../../auth.mjs";

export const { GET, POST } = toNextJsHandler(auth);

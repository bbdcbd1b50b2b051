// @ts-check
// Creates Better Auth's tables (user, session, account, verification) in DATABASE_URL, as its CLI's
// `migrate` does; the bench runs this before `next start`.
import { getMigrations } from "better-auth/db/migration";
import { auth } from "./auth.mjs";

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();
process.exit(0);

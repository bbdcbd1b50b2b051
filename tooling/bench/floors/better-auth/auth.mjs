// @ts-check
// Better Auth's published email-and-password setup (its installation guide: PostgreSQL through a `pg` Pool,
// `emailAndPassword` with `sendResetPassword`), in a Next 16 app: the reference the "≥ 3× Better Auth"
// target names. Its defaults stay on in production, the in-memory rate limiter among them (3 reset requests per
// 60 s per address; the bench sends 2 per address, as it does to Rekey).
import { betterAuth } from "better-auth";
import { Pool } from "pg";

export const auth = betterAuth({
  database: new Pool({ connectionString: process.env.DATABASE_URL }),
  secret: process.env.BETTER_AUTH_SECRET,
  baseURL: process.env.BETTER_AUTH_URL,
  telemetry: { enabled: false },
  emailAndPassword: {
    enabled: true,
    // Sends nothing: Better Auth's guide has the email sent without awaiting it. Rekey queues and sends a real
    // one (outbox row, delivery thread), so the comparison favours Better Auth.
    sendResetPassword: async () => {},
  },
});

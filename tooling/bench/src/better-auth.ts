/**
 * The Better Auth reference (floors/better-auth: Better Auth's published email-and-password setup in Next 16)
 * on a database of its own, with its tables created by its own migration and `known-*` accounts in them.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { freePort } from "@rekey/testing";
import { createBenchDatabase, startServer, type RunningApp } from "./app";
import { onDatabase } from "./seed";

const SECRET = "bench-better-auth-secret-0123456789abcdef0123456789";

/** What `next build` and `next start` of the Better Auth app need in their environment. */
export const betterAuthEnv = (databaseUrl: string, port: number) => ({
  DATABASE_URL: databaseUrl,
  BETTER_AUTH_SECRET: SECRET,
  BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
});

/** Starts the (built) Better Auth app with `known` accounts (`known-<i>@bench.test`, each with a password account). */
export async function startBetterAuth(benchDir: string, nextBin: string, known: number): Promise<RunningApp> {
  const database = await createBenchDatabase("better_auth");
  const port = await freePort();
  const env = betterAuthEnv(database.url, port);
  try {
    const migrated = spawnSync(process.execPath, [resolve(benchDir, "floors/better-auth/migrate.mjs")], {
      cwd: benchDir,
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    if (migrated.status !== 0) throw new Error(`Better Auth's migration failed:\n${migrated.stderr}`);
    await onDatabase(database.url, async (sql) => {
      await sql`
        insert into "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
        select 'u' || i, 'Known ' || i, 'known-' || i || '@bench.test', true, now(), now()
        from generate_series(0, ${known - 1}::int) i`;
      await sql`
        insert into account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
        select 'a' || i, 'u' || i, 'credential', 'u' || i, 'not-a-real-hash', now(), now()
        from generate_series(0, ${known - 1}::int) i`;
      await sql`vacuum analyze`;
    });
    const server = await startServer({
      name: "Better Auth",
      args: [nextBin, "start", "floors/better-auth", "-p", String(port), "-H", "127.0.0.1"],
      cwd: benchDir,
      port,
      ready: "/health",
      env,
    });
    return {
      ...server,
      stop: async () => {
        const outcome = await server.stop();
        await database.drop();
        return outcome;
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

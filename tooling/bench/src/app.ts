/**
 * The bench's surroundings: a fresh PostgreSQL database, the BUILT app (`node apps/web/server.mjs`, never
 * built here) pointed at it and at a Resend-compatible capture server, and accounts written straight into
 * the database (one argon2 hash shared by all: registering thousands through the API would spend minutes
 * hashing before anything is measured).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hashPassword } from "@rekey/auth";
import { openDatabase, sql, users, type DatabaseHandle } from "@rekey/db";
import { freePort } from "@rekey/testing";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A database created for one run, dropped by `drop()`. */
export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database next to BENCH_PG_URL's (default: the local `test` database); `label` tells two apart. */
export async function createBenchDatabase(label = "app"): Promise<BenchDatabase> {
  const name = `rekey_bench_${label}_${Date.now().toString(36)}_${process.pid}`;
  const admin = await openDatabase({ url: ADMIN_URL, migrate: false });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`)).catch(() => {});
      await admin.close();
    },
  };
}

/** A server process of the bench (the app or a floor): its port, output tail, memory, and a graceful stop. */
export interface RunningApp {
  port: number;
  pid: number;
  /** Resident set size and its peak so far, in MiB (Linux /proc). */
  memory(): { rssMiB: number; peakMiB: number };
  /** Lines the process wrote to stdout/stderr (the app runs with LOG_LEVEL=warn: warnings and errors only). */
  output: string[];
  stop(): Promise<string>;
}

const APP_ENV = {
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  AUTH_SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
  RESEND_API_KEY: "re_bench_x",
  EMAIL_FROM: "Rekey <no-reply@rekey.bench>",
  RATE_LIMITS: "off",
  CAPTCHA: "off",
  LOG_LEVEL: "warn",
  NEXT_TELEMETRY_DISABLED: "1",
};

/**
 * Starts `node apps/web/server.mjs` (as `pnpm start` does) and waits until `/api/health` answers 200. Rate
 * limits and captcha are off unless `env` says otherwise.
 */
export async function startApp(databaseUrl: string, resendUrl: string, env: Record<string, string> = {}): Promise<RunningApp> {
  if (!existsSync(resolve(REPO_ROOT, "apps/web/.next/BUILD_ID"))) {
    throw new Error("apps/web is not built: run `npx -y pnpm@10.34.8 --filter @rekey/web build` first");
  }
  const port = await freePort();
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the app.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  return startServer({
    name: "the app",
    args: [...nodeArgs, resolve(REPO_ROOT, "apps/web/server.mjs")],
    cwd: REPO_ROOT,
    port,
    ready: "/api/health",
    env: { ...APP_ENV, PORT: String(port), APP_URL: `http://localhost:${port}`, DATABASE_URL: databaseUrl, RESEND_BASE_URL: resendUrl, ...env },
  });
}

/** Spawns `node <args>` with `env` added to this process's, and waits until GET `ready` answers 200 (60 s at most). */
export async function startServer(options: {
  name: string;
  args: string[];
  cwd: string;
  port: number;
  ready: string;
  env: Record<string, string>;
}): Promise<RunningApp> {
  const { port } = options;
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) output.push(line.slice(0, 500));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let exitedWith: string | undefined;
  const exited = new Promise<string>((r) =>
    child.once("exit", (code, signal) => r((exitedWith = signal ? `signal ${signal}` : `exit code ${code}`))),
  );
  const killNow = () => void (exitedWith ?? child.kill("SIGKILL"));
  process.once("exit", killNow);
  const server: RunningApp = {
    port,
    pid: child.pid!,
    output,
    memory: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN);
      return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
    },
    stop: async () => {
      if (exitedWith === undefined) child.kill("SIGTERM");
      const outcome = await Promise.race([exited, sleep(15_000).then(() => undefined)]);
      if (outcome === undefined) child.kill("SIGKILL");
      process.removeListener("exit", killNow);
      return outcome ?? `killed after 15 s (${await exited})`;
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitedWith !== undefined) throw new Error(`${options.name} exited (${exitedWith}):\n${output.join("\n")}`);
    const status = await fetch(`http://127.0.0.1:${port}${options.ready}`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${options.name} did not answer ${options.ready} with 200 within 60 s:\n${output.join("\n")}`);
    }
    await sleep(200);
  }
}

/** Writes accounts `<prefix>-<i>@bench.test` (i from 0) straight into the app's (migrated) database. */
export async function seedAccounts(databaseUrl: string, groups: Record<string, number>): Promise<void> {
  const handle: DatabaseHandle = await openDatabase({ url: databaseUrl, migrate: false });
  try {
    const passwordHash = await hashPassword("bench-password-Longer-Than-12");
    const now = new Date();
    for (const [prefix, count] of Object.entries(groups)) {
      for (let from = 0; from < count; from += 1000) {
        const rows = [];
        for (let i = from; i < Math.min(count, from + 1000); i++) {
          rows.push({
            email: address(prefix, i),
            username: `${prefix}${i}`,
            passwordHash,
            locale: i % 2 ? "en" : "zh-CN",
            passwordChangedAt: now,
            createdAt: now,
            updatedAt: now,
          });
        }
        await handle.db.insert(users).values(rows);
      }
    }
  } finally {
    await handle.close();
  }
}

/** The address of account `i` of a seeded group. */
export const address = (prefix: string, i: number) => `${prefix}-${i}@bench.test`;

import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDemoAccount, RefusalMemo, systemClock, type AuthDeps, type CaptchaWork, type Clock, type Logger } from "@rekey/auth";
import { loadConfig, type Config } from "@rekey/config";
import { openDatabase, type DatabaseHandle } from "@rekey/db";
import type { Transport } from "@rekey/email";
import { createJobs, releaseAllClaims, type Jobs, type WorkerOptions } from "@rekey/jobs";
import { createLogger } from "./logger";

/** Everything a request or a job needs, built once per process. */
export interface Runtime {
  config: Config;
  database: DatabaseHandle;
  deps: AuthDeps;
  /** Email delivery: the Inngest client or the embedded worker, and the job dependencies. */
  jobs: Jobs;
  logger: Logger;
  /** Stops the worker (sends in flight get up to `workerTimeoutMs`, then their claims are let go), closes the database. */
  close(options?: { workerTimeoutMs?: number }): Promise<void>;
}

export interface RuntimeOptions {
  config?: Config;
  /** An open database (tests); otherwise opened from the configuration, with migrations applied. */
  database?: DatabaseHandle;
  clock?: Clock;
  logger?: Logger;
  /** Overrides the transport chosen from configuration (tests). */
  transport?: Transport;
  worker?: WorkerOptions;
  /** Less proof of work per captcha (tests solve many). */
  captchaWork?: CaptchaWork;
}

/**
 * AUTH_SECRET, or in the embedded default one generated on first start and kept in the data directory
 * (readable by the owner only), so links and sessions survive a restart.
 */
function resolveSecret(config: Config): string {
  if (config.authSecret) return config.authSecret;
  if (!config.embedded) throw new Error("AUTH_SECRET is required when DATABASE_URL is set");
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, "auth-secret");
  try {
    writeFileSync(file, randomBytes(48).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
}

export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? createLogger(config.logLevel);
  const secret = resolveSecret(config);
  const database =
    options.database ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      migrate: true,
      migrationsDir: config.paths.migrationsDir,
      pgliteInitScript: config.paths.pgliteInit,
    }));
  const deps: AuthDeps = {
    db: database.db,
    config,
    secret,
    clock: options.clock ?? systemClock,
    logger,
    captchaWork: options.captchaWork,
    refusals: new RefusalMemo(),
  };
  const jobs = createJobs(deps, { transport: options.transport, worker: options.worker });
  // PGlite behind its data-directory lock: claims left in it are a dead process's; free them now.
  if (config.embedded && !options.database) {
    const freed = await releaseAllClaims(database.db);
    if (freed > 0) logger.info({ rows: freed }, "released the email claims of a process that stopped abruptly");
  }
  deps.onOutbox = jobs.dispatch;
  return {
    config,
    database,
    deps,
    jobs,
    logger,
    close: async (options = {}) => {
      await (jobs.thread ?? jobs.worker)?.stop({ timeoutMs: options.workerTimeoutMs });
      await database.close();
    },
  };
}

declare global {
  var __rekeyRuntime: Promise<Runtime> | undefined;
}

/**
 * The process-wide runtime. Next gives each route its own copy of every module, so the singleton lives on
 * `globalThis` (one PGlite per data directory per process), created lazily on first use.
 */
export function getRuntime(): Promise<Runtime> {
  globalThis.__rekeyRuntime ??= createRuntime().catch((error: unknown) => {
    globalThis.__rekeyRuntime = undefined;
    throw error;
  });
  return globalThis.__rekeyRuntime;
}

/** Start-up: opens the runtime, and in the embedded default makes sure there is an account to try. */
export async function bootRuntime(): Promise<{ runtime: Runtime; demo: Awaited<ReturnType<typeof ensureDemoAccount>> }> {
  const runtime = await getRuntime();
  const demo = runtime.config.embedded ? await ensureDemoAccount(runtime.deps) : null;
  // Started once per process: the runtime itself is a process-wide singleton.
  (runtime.jobs.thread ?? runtime.jobs.worker)?.start();
  runtime.logger.info(
    {
      database: runtime.database.driver,
      dataDir: runtime.config.embedded ? runtime.config.dataDir : undefined,
      jobs: runtime.jobs.mode === "inngest" ? "inngest" : "embedded worker",
      email: runtime.config.email.transport,
    },
    "rekey runtime ready",
  );
  return { runtime, demo };
}

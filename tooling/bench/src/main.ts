/**
 * `pnpm bench`: the built app on a real PostgreSQL beside two floors running the same statements (a bare
 * Next route handler, and bare node:http + postgres.js) and, for reset requests, Better Auth's published flow,
 * loaded by autocannon one at a time, then one table of figures and ratios. A script with printed figures, not a test: numbers drift between machines, ratios
 * from one run hold. BENCHMARKS.md explains the cases.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { freePort } from "@rekey/testing";
import { address, createBenchDatabase, REPO_ROOT, seedAccounts, startApp, startServer, type RunningApp } from "./app";
import { argon2HashesPerSecond } from "./argon";
import { betterAuthEnv, startBetterAuth } from "./better-auth";
import { load, rotatingIp, type LoadResult } from "./cannon";
import { Client, openLoop, quantile } from "./load";
import { measurePage } from "./page";
import { startProviderSink } from "./provider";
import { onDatabase, seedLinks, tokenOf } from "./seed";
import { formatReport, type Report } from "./report";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PASSWORD = "bench-password-Longer-Than-12";
const BENCH_DIR = resolve(REPO_ROOT, "tooling/bench");
const KNOWN = 60_000;
const RESET_LINKS = 4_000;
const VERIFY_LINKS = 1_000;
const MILLION = 1_000_000;
const NEXT_BIN = resolve(BENCH_DIR, "node_modules/next/dist/bin/next");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.error(`[bench] ${line}`);

type Target = "app" | "next" | "bare" | "betterAuth";
interface Case {
  name: string;
  path: string;
  /** Requests per client address: under every default per-IP limit, so the limits count but never refuse. */
  perIp: number;
  /** The body of request `i` of this case on `target` (i from 0 for each case and target). */
  body: (target: Target, i: number) => unknown;
  /** Better Auth's endpoint for the same thing, where it has one (it takes the same body). */
  betterAuth?: string;
}

const BA_REQUEST = "/api/auth/request-password-reset";
const CASES: Case[] = [
  // 2 per address: under captcha_soft (3), so adaptive captcha never asks.
  {
    name: "request, unknown address",
    path: "requestPasswordReset",
    perIp: 2,
    body: (_, i) => ({ email: `nobody-${i}@bench.test` }),
    betterAuth: BA_REQUEST,
  },
  {
    name: "request, known address",
    path: "requestPasswordReset",
    perIp: 2,
    body: (_, i) => ({ email: address("known", i % KNOWN) }),
    betterAuth: BA_REQUEST,
  },
  { name: "verify", path: "verifyResetToken", perIp: 30, body: (_, i) => ({ token: tokenOf("v", i % VERIFY_LINKS) }) },
  // Every reset spends its own link (of an account of its own).
  { name: "reset", path: "resetPassword", perIp: 30, body: (t, i) => ({ token: tokenOf(`r${t}`, i), new_password: `Bench-new-password-${i}` }) },
  { name: "sign-in", path: "login", perIp: 20, body: (_, i) => ({ account: address("signin", i % 1000), password: PASSWORD }) },
];

/** BENCH_CASES=request (a prefix of case names): only those cases, and none of the extra measurements. */
const ONLY = process.env.BENCH_CASES;

async function pendingEmails(url: string): Promise<number> {
  return onDatabase(url, async (sql) => Number((await sql`select count(*)::int as n from email_outbox where status = 'pending'`)[0]!.n));
}

/** Waits until the app's email worker has nothing left (so one case's emails do not load the next case). */
async function drain(url: string, limitSeconds = 300): Promise<number> {
  const start = performance.now();
  while ((await pendingEmails(url)) > 0 && performance.now() - start < limitSeconds * 1000) await sleep(500);
  return (performance.now() - start) / 1000;
}

/**
 * Resets as fast as the app takes them (argon2id-bound) while reset requests and verifies trickle in at 20/s
 * each: their p99 shows whether hashing starves the event loop or the database pool.
 */
async function resetsUnderLoad(app: RunningApp, firstClient: number): Promise<Report["resetsUnderLoad"]> {
  log("resets at saturation, with requests and verifies beside them");
  const client = new Client(app.port, 8);
  const ip = (i: number) => ({ "x-forwarded-for": rotatingIp((firstClient + 100_000) * 2 + i, 2) });
  const saturating = load({
    port: app.port,
    path: "/api/v1/user/resetPassword",
    connections: CONNECTIONS,
    seconds: SECONDS,
    make: (i) => ({ body: { token: tokenOf("rl", i), new_password: `Bench-other-password-${i}` }, ip: rotatingIp(firstClient + i, 30) }),
  });
  await sleep(1_000);
  const beside = (SECONDS - 2) * 20;
  const [requests, verifies] = await Promise.all([
    openLoop(beside, 20, (i) => client.post("/api/v1/user/requestPasswordReset", { email: `beside-${i}@bench.test` }, ip(i))),
    openLoop(beside, 20, (i) => client.post("/api/v1/user/verifyResetToken", { token: tokenOf("v", i) }, ip(beside + i))),
  ]);
  const resets = await saturating;
  client.close();
  const p99 = (shots: { ms: number }[]) =>
    quantile(
      shots.map((s) => s.ms),
      0.99,
    );
  return { resetsPerSecond: resets.rps, resetsFailed: resets.failed, requestP99: p99(requests.shots), verifyP99: p99(verifies.shots) };
}

/** Verify again once the table holds a million links (random ones of them asked for). */
async function verifyAtMillion(databaseUrl: string, app: RunningApp, firstClient: number): Promise<LoadResult> {
  log("adding links up to 10^6 rows");
  await seedLinks(databaseUrl, { prefix: "verify", tag: "v", count: MILLION - VERIFY_LINKS, from: VERIFY_LINKS });
  await onDatabase(databaseUrl, (sql) => sql`analyze password_reset_tokens`);
  log("verify at 10^6 links");
  const pick = (i: number) => (i * 7_919 + 13) % MILLION;
  const once = (seconds: number, from: number) =>
    load({
      port: app.port,
      path: "/api/v1/user/verifyResetToken",
      connections: CONNECTIONS,
      seconds,
      make: (i) => ({ body: { token: tokenOf("v", pick(from + i)) }, ip: rotatingIp(firstClient * 30 + from + i, 30) }),
    });
  const warm = await once(2, 0);
  return once(SECONDS, warm.made);
}

async function main(): Promise<void> {
  if (process.env.BENCH_SKIP_FLOOR_BUILD !== "1") {
    for (const floor of ["next", "better-auth"]) {
      log(`building tooling/bench/floors/${floor}`);
      const built = spawnSync(process.execPath, [NEXT_BIN, "build", `floors/${floor}`], {
        cwd: BENCH_DIR,
        stdio: "ignore",
        // Better Auth refuses its default secret while Next collects page data.
        env: { ...process.env, ...betterAuthEnv("", 0) },
      });
      if (built.status !== 0) throw new Error(`next build floors/${floor} failed: \`pnpm --filter @rekey/bench floor:build\` shows why`);
    }
  }
  const provider = await startProviderSink();
  const database = await createBenchDatabase();
  const servers: RunningApp[] = [];
  const report: Report = { seconds: SECONDS, connections: CONNECTIONS, rows: [] };
  try {
    log("starting the app on a fresh database (default limits and captcha; TRUST_PROXY=1: the load's forwarded addresses are its clients)");
    const app = await startApp(database.url, provider.url, { RATE_LIMITS: "on", CAPTCHA: "adaptive", TRUST_PROXY: "1" });
    servers.push(app);
    log("seeding accounts and links");
    await seedAccounts(database.url, {
      known: KNOWN,
      signin: 1000,
      verify: 1000,
      rapp: RESET_LINKS,
      rnext: RESET_LINKS,
      rbare: RESET_LINKS,
      rload: RESET_LINKS,
    });
    await seedLinks(database.url, { prefix: "verify", tag: "v", count: VERIFY_LINKS });
    for (const target of ["app", "next", "bare"]) await seedLinks(database.url, { prefix: `r${target}`, tag: `r${target}`, count: RESET_LINKS });
    await seedLinks(database.url, { prefix: "rload", tag: "rl", count: RESET_LINKS });
    const floorEnv = { DATABASE_URL: database.url, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
    const nextPort = await freePort();
    const nextArgs = [NEXT_BIN, "start", "floors/next", "-p", String(nextPort), "-H", "127.0.0.1"];
    servers.push(await startServer({ name: "the Next floor", args: nextArgs, cwd: BENCH_DIR, port: nextPort, ready: "/health", env: floorEnv }));
    const barePort = await freePort();
    const bareEnv = { ...floorEnv, PORT: String(barePort) };
    servers.push(
      await startServer({ name: "the bare floor", args: ["floors/bare.mjs"], cwd: BENCH_DIR, port: barePort, ready: "/health", env: bareEnv }),
    );
    const [, next, bare] = servers as [RunningApp, RunningApp, RunningApp];
    log("starting Better Auth (floors/better-auth) on a database of its own");
    const betterAuth = await startBetterAuth(BENCH_DIR, NEXT_BIN, KNOWN);
    servers.push(betterAuth);
    // Else autovacuum and the checkpoint after all that seeding run during the first case, the app's.
    await onDatabase(database.url, async (sql) => {
      await sql`vacuum analyze`;
      await sql`checkpoint`;
    });

    await sleep(5_000);
    report.appIdleMiB = app.memory().rssMiB;
    log("argon2id bound (the app idle, libuv's pool kept full)");
    report.argon2PerSecond = await argon2HashesPerSecond();

    const targets: [Target, RunningApp, string][] = [
      ["app", app, "/api/v1/user/"],
      ["next", next, "/floor/"],
      ["bare", bare, "/"],
      ["betterAuth", betterAuth, ""],
    ];
    let clients = 0;
    const run = (c: Case, target: Target, port: number, path: string, from: number, seconds: number) => {
      const firstClient = clients;
      return load({
        port,
        path,
        connections: CONNECTIONS,
        seconds,
        make: (i) => ({ body: c.body(target, from + i), ip: rotatingIp(firstClient * c.perIp + i, c.perIp) }),
      }).then((result) => {
        clients += Math.ceil(result.made / c.perIp) + 1;
        return result;
      });
    };
    for (const c of CASES.filter((each) => !ONLY || each.name.startsWith(ONLY))) {
      const results: Partial<Record<Target, LoadResult>> = {};
      for (const [target, server, prefix] of targets) {
        const path = target === "betterAuth" ? c.betterAuth : prefix + c.path;
        if (!path) continue;
        const warm = await run(c, target, server.port, path, 0, 2);
        log(`${c.name}: ${target}`);
        const sentBefore = provider.accepted();
        results[target] = await run(c, target, server.port, path, warm.made, SECONDS);
        if (target !== "app") continue;
        if (c.name.includes("known")) report.emailsPerSecondDuringLoad = (provider.accepted() - sentBefore) / SECONDS;
        const drainFrom = provider.accepted();
        const seconds = await drain(database.url);
        if (c.name.includes("known")) report.emailsPerSecondAfterLoad = (provider.accepted() - drainFrom) / Math.max(seconds, 0.001);
      }
      report.rows.push({ name: c.name, app: results.app!, next: results.next!, bare: results.bare!, betterAuth: results.betterAuth });
    }
    if (!ONLY || "request".startsWith(ONLY) || ONLY.startsWith("request")) {
      // One address (outside rotatingIp's range), as a single abusive client or a load tool without
      // forwarded addresses sends them: past its limit at once, so this measures refusals.
      log("one client past its limit: app, betterAuth");
      const fromOne = (port: number, path: string) =>
        load({
          port,
          path,
          connections: CONNECTIONS,
          seconds: SECONDS,
          make: (i) => ({ body: { email: `nobody-one-${i}@bench.test` }, ip: "192.0.2.1" }),
        });
      report.oneClient = {
        app: await fromOne(app.port, "/api/v1/user/requestPasswordReset"),
        betterAuth: await fromOne(betterAuth.port, BA_REQUEST),
      };
    }
    report.appPeakMiB = app.memory().peakMiB;
    if (!ONLY) {
      report.resetsUnderLoad = await resetsUnderLoad(app, clients);
      report.verifyAtMillion = await verifyAtMillion(database.url, app, clients + 200_000);
      // Opened without a token, the reset page settles on its "no token" verdict. Without a browser
      // (Chromium not installed) the table is still worth printing.
      report.page = await measurePage(`http://localhost:${app.port}/reset-password`, { ready: '[role="alert"]' }).catch((error: Error) => {
        report.pageError = error.message.split("\n")[0];
        return undefined;
      });
    }
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await database.drop();
    await provider.close();
  }
  console.info(formatReport(report));
}

await main();

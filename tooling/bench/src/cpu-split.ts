/**
 * `pnpm --filter @rekey/bench exec tsx src/cpu-split.ts`: CPU time per reset request, split between the
 * app, PostgreSQL and this process, for unknown addresses (the request and a job that finds no account) and
 * for registered ones (the request, minting, rendering and sending). Needs the built app, like email.ts.
 * BENCH_LIMITS=on: with the default limits and captcha, each request from its own forwarded address.
 */
import { readdirSync, readFileSync } from "node:fs";
import { startCaptureServer } from "@rekey/jobs/testing";
import { address, createBenchDatabase, seedAccounts, startApp } from "./app";
import { rotatingIp } from "./cannon";
import { Client } from "./load";

const N = Number(process.env.BENCH_REQUESTS ?? 2000);
const PATH = "/api/v1/user/requestPasswordReset";

/** user + system CPU of a process, in ms (clock ticks are 10 ms here). */
function cpuMs(pid: number | string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres")) total += cpuMs(pid);
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

const server = await startCaptureServer();
const database = await createBenchDatabase();
const limits = process.env.BENCH_LIMITS === "on";
const app = await startApp(database.url, server.url, limits ? { RATE_LIMITS: "on", CAPTCHA: "adaptive", TRUST_PROXY: "1" } : {});
let clients = 0;
const from = (): Record<string, string> => (limits ? { "x-forwarded-for": rotatingIp(clients++, 1) } : {});
try {
  await seedAccounts(database.url, { known: N });
  const client = new Client(app.port, 16);
  for (let i = 0; i < 200; i++) await client.post(PATH, { email: `warm-${i}@nobody.test` }, from());
  for (const kind of ["unknown", "known"] as const) {
    const before = [cpuMs(app.pid), postgresCpuMs(), cpuMs(process.pid), Date.now()];
    let next = 0;
    const connection = async () => {
      while (next < N) {
        const i = next++;
        await client.post(PATH, { email: kind === "known" ? address("known", i) : `nobody-${i}@nobody.test` }, from());
      }
    };
    await Promise.all(Array.from({ length: 8 }, connection));
    while (kind === "known" && server.emails.length < N) await new Promise((resolve) => setTimeout(resolve, 50));
    const after = [cpuMs(app.pid), postgresCpuMs(), cpuMs(process.pid), Date.now()];
    const per = (i: number) => ((after[i]! - before[i]!) / N).toFixed(2);
    console.info(
      `${kind}: ${N} requests in ${after[3]! - before[3]!} ms; CPU per request: app ${per(0)} ms, postgres ${per(1)} ms, bench ${per(2)} ms`,
    );
  }
  client.close();
} finally {
  await app.stop();
  await server.close();
  await database.drop();
}

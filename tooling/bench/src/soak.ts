/**
 * `pnpm bench:soak`: the built app on a fresh PostgreSQL database at a steady 200 requests/s (reset requests
 * for known and unknown addresses, and verifies) for 10 minutes, its RSS sampled every 10 s. Prints the
 * drift from the first minute after warm-up to the last. BENCH_SOAK_SECONDS and BENCH_SOAK_RATE change
 * the run.
 */
import { address, createBenchDatabase, seedAccounts, startApp } from "./app";
import { rotatingIp } from "./cannon";
import { answered200, Client, openLoop, quantile } from "./load";
import { startProviderSink } from "./provider";
import { seedLinks, tokenOf } from "./seed";

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 200);
const WARM_SECONDS = 60;
const ACCOUNTS = 50_000;
const log = (line: string) => console.error(`[soak] ${line}`);

const provider = await startProviderSink();
const database = await createBenchDatabase();
const app = await startApp(database.url, provider.url, { RATE_LIMITS: "on", CAPTCHA: "adaptive", TRUST_PROXY: "1" });
try {
  await seedAccounts(database.url, { known: ACCOUNTS, verify: 1000 });
  await seedLinks(database.url, { prefix: "verify", tag: "v", count: 1000 });
  const client = new Client(app.port, 64);
  const samples: { at: number; rssMiB: number }[] = [];
  const started = performance.now();
  const sampler = setInterval(() => samples.push({ at: (performance.now() - started) / 1000, rssMiB: app.memory().rssMiB }), 10_000);
  log(`${RATE} requests/s for ${SECONDS} s (RSS every 10 s)`);
  // Three in four are reset requests (half for registered addresses, 2 per client address), one in four a verify.
  const { shots, lateMs } = await openLoop(SECONDS * RATE, RATE, (i) => {
    const from = { "x-forwarded-for": rotatingIp(i, 2) };
    if (i % 4 === 3) return client.post("/api/v1/user/verifyResetToken", { token: tokenOf("v", i % 1000) }, from);
    const email = i % 2 ? address("known", i % ACCOUNTS) : `soak-${i}@bench.test`;
    return client.post("/api/v1/user/requestPasswordReset", { email }, from);
  });
  clearInterval(sampler);
  client.close();
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
  const first = mean(samples.filter((s) => s.at > WARM_SECONDS && s.at <= WARM_SECONDS + 60).map((s) => s.rssMiB));
  const last = mean(samples.filter((s) => s.at > SECONDS - 60).map((s) => s.rssMiB));
  const failed = shots.filter((s) => s.status < 200 || s.status >= 300).length;
  console.info(
    [
      `${shots.length} requests at ${RATE}/s over ${SECONDS} s; ${failed} failed (answered 200: ${answered200(shots)}); p50 ${quantile(
        shots.map((s) => s.ms),
        0.5,
      ).toFixed(1)} ms, ` +
        `p99 ${quantile(
          shots.map((s) => s.ms),
          0.99,
        ).toFixed(1)} ms (the client fell at most ${lateMs.toFixed(0)} ms behind its schedule)`,
      `RSS: ${first.toFixed(0)} MiB in the first minute after warm-up, ${last.toFixed(0)} MiB in the last: ` +
        `${(((last - first) / first) * 100).toFixed(1)}% drift (target < 10%); peak ${app.memory().peakMiB.toFixed(0)} MiB`,
      `RSS samples (MiB): ${samples.map((s) => s.rssMiB.toFixed(0)).join(" ")}`,
      `${provider.accepted()} emails reached the provider`,
    ].join("\n"),
  );
} finally {
  await app.stop();
  await database.drop();
  await provider.close();
}

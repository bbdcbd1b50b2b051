// Benchmark: does the reset request take the same time for a registered and an unknown address?
// Prints per-case latency figures (ms) for N requests each, interleaved, on PGlite (and PostgreSQL when
// it answers). Run: pnpm --filter @rekey/api bench:timing
import { signUp } from "@rekey/auth";
import { testDatabases } from "@rekey/db/testing";
import { callerFor, createTestRuntime } from "../src/testing";

const N = Number(process.env.BENCH_N ?? 300);

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { mean: mean.toFixed(2), p50: at(0.5).toFixed(2), p95: at(0.95).toFixed(2), p99: at(0.99).toFixed(2) };
}

for (const target of await testDatabases()) {
  const t = await createTestRuntime(target, { RATE_LIMITS: "off", CAPTCHA: "off", LOG_LEVEL: "silent" });
  const meta = { ip: "192.0.2.1", userAgent: "bench", locale: "zh-CN" as const };
  await signUp(t.runtime.deps, { email: "known@example.com", username: "known", password: "bench-password-1" }, meta);
  const caller = callerFor(t.runtime, { transport: "rest" });
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 20; i++) await caller.auth.passwordReset.request({ email: "warmup@example.com" });
  for (let i = 0; i < N; i++) {
    for (const [email, into] of [
      ["known@example.com", known],
      [`nobody-${i}@example.com`, unknown],
    ] as const) {
      const start = performance.now();
      await caller.auth.passwordReset.request({ email });
      into.push(performance.now() - start);
    }
  }
  console.log(`${target.name}: ${N} requests each`);
  console.table({ registered: stats(known), unknown: stats(unknown) });
  await t.close();
}

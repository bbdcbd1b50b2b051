/**
 * `pnpm bench:email`: how fast a reset email reaches the provider, and whether email work shows in the
 * answers, measured on the BUILT app over real PostgreSQL (a fresh database per run) with Resend pointed at
 * a capture server in this process. `pnpm bench:email` builds the app first.
 *
 * Phases: warm-up; 100 requests/s offered for 20 s to registered addresses (time from each request to the
 * provider); 2,000 requests at 1 connection alternating a registered and an unknown address (median answer
 * times); 32 connections as fast as the app answers for 10 s (the send rate the worker sustains).
 */
import { startCaptureServer, type CaptureServer } from "@rekey/jobs/testing";
import { address, createBenchDatabase, seedAccounts, startApp, type RunningApp } from "./app";
import { answered200, Client, closedLoop, openLoop, quantile, type Shot } from "./load";

const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const GAP_REQUESTS = Number(process.env.BENCH_GAP_REQUESTS ?? 2000);
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 10);
const FLOOD_CONNECTIONS = 32;
const FLOOD_ACCOUNTS = 8000;
const PATH = "/api/v1/user/requestPasswordReset";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When each recipient's email first reached the provider (wall-clock ms). */
/** How long the send rate is watched after the flood. */
const DRAIN_WATCH_MS = 5_000;

function arrivals(server: CaptureServer): Map<string, number> {
  const at = new Map<string, number>();
  for (const r of server.requests) {
    if (r.answer !== 200) continue;
    const to = (r.body as { to?: string | string[] }).to;
    const recipient = Array.isArray(to) ? to[0] : to;
    if (recipient && !at.has(recipient)) at.set(recipient, r.at.getTime());
  }
  return at;
}

/** Waits until every one of `recipients` got its email, or nothing new arrived for `quietMs`. */
async function awaitEmails(server: CaptureServer, recipients: string[], quietMs = 10_000): Promise<Map<string, number>> {
  let seen = -1;
  let lastProgress = Date.now();
  for (;;) {
    const at = arrivals(server);
    const got = recipients.filter((r) => at.has(r)).length;
    if (got === recipients.length) return at;
    if (got !== seen) [seen, lastProgress] = [got, Date.now()];
    if (Date.now() - lastProgress > quietMs) return at;
    await sleep(100);
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const check = (ok: boolean) => (ok ? "ok" : "MISSED");

async function main(): Promise<void> {
  const server = await startCaptureServer();
  const database = await createBenchDatabase();
  let app: RunningApp | undefined;
  const rows: [string, string, string, string][] = [];
  const row = (what: string, figure: string, target = "", verdict = "") => rows.push([what, figure, target, verdict]);
  try {
    console.info(`starting the built app on ${database.url} …`);
    app = await startApp(database.url, server.url);
    const idle = app.memory();
    const count = RATE * SECONDS;
    await seedAccounts(database.url, { warm: 100, rate: count, gap: GAP_REQUESTS / 2, flood: FLOOD_ACCOUNTS });
    const client = new Client(app.port, 64);
    const reset = (email: string) => client.post(PATH, { email });

    // Warm-up: JIT, connection pools, the first render; both kinds of address.
    console.info("warm-up …");
    await openLoop(200, 50, (i) => reset(i % 2 ? `nobody-warm-${i}@bench.test` : address("warm", i / 2)));
    await awaitEmails(
      server,
      Array.from({ length: 100 }, (_, i) => address("warm", i)),
    );
    const warm = app.memory();

    console.info(`${RATE} requests/s for ${SECONDS} s …`);
    const load = await openLoop(count, RATE, (i) => reset(address("rate", i)));
    const loadEnd = Date.now();
    const recipients = Array.from({ length: count }, (_, i) => address("rate", i));
    const at = await awaitEmails(server, recipients);
    const delays = load.shots.map((s, i) => (at.get(recipients[i]!) ?? Infinity) - s.sentAt);
    const delivered = delays.filter(Number.isFinite).length;
    const firstSent = load.shots[0]!.sentAt;
    const inWindow = recipients.filter((r) => (at.get(r) ?? Infinity) <= loadEnd).length;
    const p50 = quantile(delays, 0.5);
    const p99 = quantile(delays, 0.99);
    row(`request → provider p50 (${RATE}/s offered, ${SECONDS} s)`, `${fmt(p50)} ms`, "≤ 250 ms", check(p50 <= 250));
    row("request → provider p99", `${fmt(p99)} ms`, "≤ 1000 ms", check(p99 <= 1000));
    row("request → provider max", `${fmt(Math.max(...delays))} ms`);
    row("emails delivered", `${delivered} / ${count}`, `${count}`, check(delivered === count));
    row("requests answered 200", answered200(load.shots));
    row(
      "answer time p50 / p99 under that load",
      `${fmt(
        quantile(
          load.shots.map((s) => s.ms),
          0.5,
        ),
        1,
      )} / ${fmt(
        quantile(
          load.shots.map((s) => s.ms),
          0.99,
        ),
        1,
      )} ms`,
    );
    row(
      "send rate while offered that load",
      `${fmt(inWindow / ((loadEnd - firstSent) / 1000), 1)} emails/s`,
      `${RATE}/s`,
      check(inWindow >= count * 0.95),
    );
    if (load.lateMs > 50) row("(bench client fell behind its schedule by)", `${fmt(load.lateMs)} ms`);

    console.info(`${GAP_REQUESTS} requests at 1 connection, alternating known and unknown …`);
    const single = new Client(app.port, 1);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < GAP_REQUESTS; i++) {
      const isKnown = i % 2 === 0;
      const shot = await single.post(PATH, { email: isKnown ? address("gap", i / 2) : `nobody-${i}@bench.test` });
      if (shot.status !== 200) throw new Error(`request ${i} answered ${shot.status}`);
      (isKnown ? known : unknown).push(shot.ms);
    }
    single.close();
    const knownMedian = quantile(known, 0.5);
    const unknownMedian = quantile(unknown, 0.5);
    const gap = knownMedian - unknownMedian;
    row("median answer, known / unknown (1 connection)", `${fmt(knownMedian, 2)} / ${fmt(unknownMedian, 2)} ms`);
    row("known − unknown median gap", `${fmt(gap, 2)} ms`, "|gap| ≤ 0.2 ms", check(Math.abs(gap) <= 0.2));
    await awaitEmails(
      server,
      Array.from({ length: GAP_REQUESTS / 2 }, (_, i) => address("gap", i)),
    );

    console.info(`${FLOOD_CONNECTIONS} connections for ${FLOOD_SECONDS} s …`);
    const floodStart = Date.now();
    const flood: Shot[] = await closedLoop(FLOOD_CONNECTIONS, FLOOD_SECONDS, (i) => reset(address("flood", i % FLOOD_ACCOUNTS)));
    const floodEnd = Date.now();
    const accepted = flood.filter((s) => s.status === 200).length;
    const floodRecipients = [...new Set(flood.map((_, i) => address("flood", i % FLOOD_ACCOUNTS)))];
    const floodAt = [...arrivals(server)].filter(([to]) => to.startsWith("flood-")).map(([, t]) => t);
    const duringFlood = floodAt.filter((t) => t <= floodEnd).length;
    const seconds = (floodEnd - floodStart) / 1000;
    row(`requests accepted (${FLOOD_CONNECTIONS} connections, ${FLOOD_SECONDS} s)`, `${fmt(accepted / seconds)} /s`);
    // Answers come first (the delivery thread yields the CPU under a flood); what matters is that the mail
    // accepted meanwhile still goes out while its links are valid.
    row("send rate during that flood", `${fmt(duringFlood / seconds)} emails/s`);
    const backlog = accepted - duringFlood;
    row("backlog when the flood stopped", `${backlog} emails`);
    await new Promise((resolve) => setTimeout(resolve, DRAIN_WATCH_MS));
    const sentAfter = server.requests.filter((r) => r.answer === 200 && r.at.getTime() > floodEnd && r.at.getTime() <= floodEnd + DRAIN_WATCH_MS);
    const drainRate = sentAfter.length / (DRAIN_WATCH_MS / 1000);
    row("send rate once it stopped", `${fmt(drainRate)} emails/s`);
    const drainSeconds = backlog / Math.max(drainRate, 0.001);
    row("that backlog drains in", `${fmt(drainSeconds)} s`, "< link lifetime (600 s)", check(drainSeconds < 600));
    if (floodRecipients.length < flood.length)
      row("(flood accounts reused: later requests supersede earlier ones)", `${flood.length - floodRecipients.length}`);
    const mem = app.memory();
    row("app RSS idle / after warm-up / now, peak", `${fmt(idle.rssMiB)} / ${fmt(warm.rssMiB)} / ${fmt(mem.rssMiB)}, ${fmt(mem.peakMiB)} MiB`);
    client.close();
  } finally {
    const exit = await app?.stop();
    await server.close();
    await database.drop();
    if (exit && exit !== "exit code 0") console.info(`the app stopped with ${exit}`);
    const warnings = app?.output.filter((l) => /"level":(40|50|60)|error/i.test(l)) ?? [];
    if (warnings.length) console.info(`app warnings/errors (${warnings.length}, last 5):\n${warnings.slice(-5).join("\n")}`);
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.info("");
  for (const r of rows) console.info(`${r[0].padEnd(widths[0]!)}  ${r[1].padStart(widths[1]!)}  ${r[2].padEnd(widths[2]!)}  ${r[3]}`.trimEnd());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

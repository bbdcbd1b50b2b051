/**
 * Property-based fuzzing of every REST path (`/api/v1/*`) and tRPC procedure (`/api/trpc/*`) over raw TCP.
 *
 *   npx tsx src/main.ts [--cases N] [--seed S] [--concurrency C] [--replay CASE]
 *   FUZZ_URL=http://localhost:3000 npx tsx src/main.ts   # an already running server (FUZZ_APP_URL: its APP_URL if different)
 *
 * Without FUZZ_URL it starts the built app (`node apps/web/server.mjs`) on a free port with a fresh data
 * directory and stops it at the end. Exit code 1 when any property is violated or the server logged a stack trace.
 */
import fc from "fast-check";
import { caseArbitrary } from "./arbitraries";
import { assemble, type TargetInfo } from "./assemble";
import { show, showBody } from "./bytes";
import { exchange, type Answer, type Target } from "./http";
import type { CaseSpec, FuzzCase } from "./model";
import { answerShape, check } from "./properties";
import { compactAnswer, compactRequest, printReport, Stats } from "./report";
import { healthy, processCpuSeconds, startServer, type RunningServer } from "./server";

const BATCH = 200;
const TIMEOUT_MS = 10_000;
/** A deliberately incomplete request (more bytes declared than sent) may legitimately wait: give up sooner. */
const INCOMPLETE_TIMEOUT_MS = 1_500;

interface Options {
  cases: number;
  seed: number;
  concurrency: number;
  replay: number | undefined;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { cases: 100_000, seed: randomSeed(), concurrency: 16, replay: undefined };
  const args = argv.filter((a) => a !== "--");
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = (args[i] as string).split("=", 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || !/^-?\d+$/.test(v)) throw new Error(`${flag} needs a whole number`);
      return Number(v);
    };
    if (flag === "--cases") opts.cases = value();
    else if (flag === "--seed") opts.seed = value() | 0;
    else if (flag === "--concurrency") opts.concurrency = Math.max(1, value());
    else if (flag === "--replay") opts.replay = value();
    else if (flag === "--help" || flag === "-h") {
      console.info("usage: tsx src/main.ts [--cases N] [--seed S] [--concurrency C] [--replay CASE]   (env FUZZ_URL, FUZZ_APP_URL)");
      process.exit(0);
    } else throw new Error(`unknown argument ${flag}`);
  }
  if (opts.cases < 1) throw new Error("--cases must be at least 1");
  return opts;
}

function randomSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
}

/** The seed of one batch of cases: case i is item i % BATCH of batch ⌊i / BATCH⌋, whatever --cases is. */
function batchSeed(seed: number, batch: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x01000193) + Math.imul(batch + 1, 0x9e3779b1)) | 0;
}

function specBatch(seed: number, batch: number): CaseSpec[] {
  return fc.sample(caseArbitrary, { seed: batchSeed(seed, batch), numRuns: BATCH });
}

function specAt(seed: number, index: number): CaseSpec {
  const spec = specBatch(seed, Math.floor(index / BATCH))[index % BATCH];
  if (!spec) throw new Error(`no case ${index}`);
  return spec;
}

function send(target: Target, c: FuzzCase): Promise<Answer> {
  return exchange(target, c.payload, { timeoutMs: c.incomplete ? INCOMPLETE_TIMEOUT_MS : TIMEOUT_MS, headRequest: c.spec.method === "HEAD" });
}

async function replay(target: Target, info: TargetInfo, opts: Options, index: number): Promise<boolean> {
  const c = assemble(specAt(opts.seed, index), index, info);
  const a = await send(target, c);
  const { violations: vs } = check(c, a);
  const head = c.payload.toString("latin1");
  console.info(`case #${index} (seed ${opts.seed}), mutations: ${c.spec.tags.join(", ")}`);
  console.info(`request (${c.payload.length} bytes):\n  ${show(head, 4000).replaceAll("\\r\\n", "\\r\\n\n  ")}`);
  console.info(`compact: ${compactRequest(c, 400)}`);
  console.info(`answer: ${a.outcome} ${a.statusLine} (${Math.round(a.ms)} ms${a.error ? `, ${a.error}` : ""}) — ${answerShape(a)}`);
  for (const [n, v] of a.headers) console.info(`  ${n}: ${v}`);
  if (a.body.length) console.info(`  body: ${showBody(a.body, 2000)}`);
  console.info(vs.length ? `violations:\n${vs.map((v) => `  ${v.kind}: ${v.detail}`).join("\n")}` : "no violation");
  console.info(`compact answer: ${compactAnswer(a)}`);
  return vs.length > 0;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  console.info(
    `[fuzz] seed ${opts.seed}${opts.replay === undefined ? `, ${opts.cases} cases, concurrency ${opts.concurrency}` : `, replaying case #${opts.replay}`}`,
  );

  let interrupted = false;
  let interruptedAt = 0;
  let serverExit: string | undefined;
  const onSigint = () => {
    // Ctrl-C reaches this process twice (from the terminal and relayed by tsx): only a later one means "now".
    if (interrupted && performance.now() - interruptedAt > 1_000) {
      server?.child.kill("SIGKILL");
      process.exit(130);
    }
    if (interrupted) return;
    interrupted = true;
    interruptedAt = performance.now();
    console.error("[fuzz] interrupted: finishing requests in flight (Ctrl-C again to quit now)");
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);

  let server: RunningServer | undefined;
  let target: Target;
  let appUrl: string;
  const fuzzUrl = process.env.FUZZ_URL;
  if (fuzzUrl) {
    const url = new URL(fuzzUrl);
    target = { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
    appUrl = process.env.FUZZ_APP_URL ?? url.origin;
    if (!(await healthy(target).catch(() => false))) throw new Error(`FUZZ_URL ${fuzzUrl}: GET /api/health did not answer 200`);
  } else {
    console.info("[fuzz] starting node apps/web/server.mjs …");
    const t0 = performance.now();
    try {
      server = await startServer();
    } catch (error) {
      if (!interrupted) throw error;
      console.error("[fuzz] interrupted before the server was ready");
      return 130;
    }
    target = server.target;
    appUrl = server.appUrl;
    console.info(`[fuzz] server ready at ${appUrl} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const info: TargetInfo = { hostHeader: new URL(appUrl).host, appOrigin: new URL(appUrl).origin };

  try {
    if (opts.replay !== undefined) return (await replay(target, info, opts, opts.replay)) ? 1 : 0;

    let stopping = false;
    // On Ctrl-C the server (same process group) gets SIGINT too and exits: that is not a crash.
    void server?.exited.then((how) => {
      if (!stopping && !interrupted) serverExit = how;
    });
    const stats = new Stats();
    const cpuAtStart = process.cpuUsage();
    const serverCpuAtStart = processCpuSeconds(server?.child.pid);
    let next = 0;
    let batchIndex = -1;
    let batch: CaseSpec[] = [];
    const nextCase = (): FuzzCase | undefined => {
      if (next >= opts.cases || interrupted || serverExit) return undefined;
      const i = next++;
      const b = Math.floor(i / BATCH);
      if (b !== batchIndex) {
        batch = specBatch(opts.seed, b);
        batchIndex = b;
      }
      return assemble(batch[i % BATCH] as CaseSpec, i, info);
    };
    const progress = setInterval(() => {
      const s = (performance.now() - stats.startedAt) / 1000;
      console.error(`[fuzz] ${stats.cases}/${opts.cases} cases, ${(stats.cases / s).toFixed(0)} req/s, ${stats.casesWithViolation} with violations`);
    }, 10_000);
    const worker = async () => {
      for (let c = nextCase(); c; c = nextCase()) {
        const a = await send(target, c);
        // An answer lost because the server died (or is shutting down on Ctrl-C) is not this request's fault.
        if ((serverExit || interrupted) && a.outcome !== "answer") break;
        stats.record(c, a, check(c, a));
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    clearInterval(progress);
    stats.finishedAt = performance.now();
    const cpu = process.cpuUsage(cpuAtStart);
    const serverCpuAtEnd = processCpuSeconds(server?.child.pid);
    stopping = true;
    if (server) {
      // Give the last log lines a moment to arrive.
      await new Promise((r) => setTimeout(r, 300));
    }
    const failed = printReport(stats, {
      seed: opts.seed,
      requestedCases: opts.cases,
      target: appUrl,
      ownServer: server !== undefined,
      serverStackLines: server?.log.stackLines ?? 0,
      serverStackSamples: server?.log.stackSamples ?? [],
      serverStackKinds: server?.log.stackKinds ?? new Map(),
      serverLogLines: server?.log.lines ?? 0,
      serverExit: serverExit && `${serverExit} during the run; last log lines:\n${server?.log.tail.slice(-15).join("\n")}`,
      interrupted,
      fuzzerCpu: (cpu.user + cpu.system) / 1e6,
      serverCpu: serverCpuAtStart !== undefined && serverCpuAtEnd !== undefined ? serverCpuAtEnd - serverCpuAtStart : undefined,
    });
    return interrupted ? 130 : failed ? 1 : 0;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    if (server) {
      const t0 = performance.now();
      await server.stop();
      console.info(`[fuzz] server stopped in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[fuzz] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);

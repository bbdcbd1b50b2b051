/** Starts the built app (`node apps/web/server.mjs`) on a free port with a fresh data directory, and stops it. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { exchange, type Target } from "./http";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Lines of server output that look like (part of) a stack trace, raw or inside a JSON log line. */
const STACK_LINE = [/^\s+at \S/, /\bat .+\(.+:\d+:\d+\)/, /\\n\s+at /];

class ServerLog {
  lines = 0;
  stackLines = 0;
  readonly stackSamples: string[] = [];
  /** Stack-trace lines per error ("URIError: URI malformed", …). */
  readonly stackKinds = new Map<string, number>();
  readonly tail: string[] = [];
  private partial = "";
  private lastHeader = "";

  push(chunk: Buffer): void {
    const text = this.partial + chunk.toString("utf8");
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  flush(): void {
    if (this.partial) this.line(this.partial);
    this.partial = "";
  }

  private line(line: string): void {
    this.lines++;
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
    const isStack = STACK_LINE.some((re) => re.test(line));
    // The line that names the error: not a frame, not Next's "Read more: <url>" hint.
    if (!/^\s+at /.test(line) && !/^Read more: /.test(line) && line.trim()) this.lastHeader = line.trim();
    if (isStack) {
      this.stackLines++;
      const kind = errorKind(line) ?? this.lastHeader.slice(0, 100);
      if (!this.stackKinds.has(kind) || this.stackSamples.length < 3) {
        if (this.stackSamples.length < 8) this.stackSamples.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      }
      this.stackKinds.set(kind, (this.stackKinds.get(kind) ?? 0) + 1);
    }
  }
}

/** "Name: message (log msg)" of a structured (JSON) log line carrying an error, if it is one. */
function errorKind(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; err?: { name?: unknown; message?: unknown } };
    const err = entry.err ?? {};
    return `${String(err.name ?? "?")}: ${String(err.message ?? "")}${entry.msg ? ` (${String(entry.msg)})` : ""}`.slice(0, 120);
  } catch {
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** CPU seconds a process has used so far (Linux /proc; undefined elsewhere). */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line (11 and 12 after the command name), in ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export interface RunningServer {
  target: Target;
  appUrl: string;
  log: ServerLog;
  child: ChildProcess;
  /** Resolves with the exit code/signal when the process ends (for whatever reason). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function healthy(target: Target): Promise<boolean> {
  const req = Buffer.from(`GET /api/health HTTP/1.1\r\nHost: localhost:${target.port}\r\nConnection: close\r\n\r\n`, "latin1");
  const a = await exchange(target, req, { timeoutMs: 5_000, headRequest: false });
  return a.outcome === "answer" && a.status === 200;
}

export async function startServer(timeoutMs = 90_000): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "rekey-fuzz-"));
  const appUrl = `http://localhost:${port}`;
  const log = new ServerLog();
  const child = spawn(process.execPath, [resolve(REPO_ROOT, "apps/web/server.mjs")], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      APP_URL: appUrl,
      RATE_LIMITS: "off",
      CAPTCHA: "off",
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (c: Buffer) => log.push(c));
  child.stderr?.on("data", (c: Buffer) => log.push(c));
  let alive = true;
  const exited = new Promise<string>((r) =>
    child.once("exit", (code, signal) => {
      alive = false;
      log.flush();
      r(signal ? `signal ${signal}` : `exit code ${code}`);
    }),
  );
  const killNow = () => {
    if (alive) child.kill("SIGKILL");
  };
  process.once("exit", killNow);

  const stop = async () => {
    if (alive) {
      child.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done && alive) {
        child.kill("SIGKILL");
        await exited;
      }
    }
    process.removeListener("exit", killNow);
    await rm(dataDir, { recursive: true, force: true });
  };

  // The app may listen on IPv4 or IPv6 loopback (HOST defaults differ by mail transport): use whichever answers.
  const candidates: Target[] = [
    { host: "127.0.0.1", port },
    { host: "::1", port },
  ];
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (!alive) {
      await stop();
      throw new Error(`the server exited before answering /api/health (${await exited}):\n${log.tail.join("\n")}`);
    }
    const candidate = candidates[attempt % candidates.length] as Target;
    if (await healthy(candidate).catch(() => false)) return { target: candidate, appUrl, log, child, exited, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`GET /api/health did not answer 200 within ${timeoutMs / 1000} s:\n${log.tail.join("\n")}`);
    }
    await sleep(250);
  }
}

/**
 * A small load generator for the bench: keep-alive HTTP/1.1 POSTs timed with the monotonic clock, offered
 * either open-loop at a fixed rate (a slow answer never delays the next request, so queueing shows in the
 * figures instead of hiding behind a slower client) or closed-loop on N connections.
 */
import { Agent, request } from "node:http";

/** One answered (or failed) request. */
export interface Shot {
  /** Wall-clock ms when the request was written (compared with the capture server's arrival times). */
  sentAt: number;
  /** Answer time, in ms (monotonic clock), from writing the request to the end of the answer's body. */
  ms: number;
  status: number;
  /** The socket error's code when there was no answer (status 0), e.g. ECONNRESET. */
  error?: string;
}

/** POSTs JSON bodies to one local port over at most `connections` keep-alive sockets. */
export class Client {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Shot> {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve) => {
      const sentAt = Date.now();
      const start = process.hrtime.bigint();
      const done = (status: number, error?: string) =>
        resolve({ sentAt, status, ms: Number(process.hrtime.bigint() - start) / 1e6, ...(error ? { error } : {}) });
      const req = request(
        {
          host: "127.0.0.1",
          port: this.port,
          method: "POST",
          path,
          agent: this.agent,
          headers: { "content-type": "application/json", "content-length": payload.length, "accept-language": "en", ...headers },
        },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => done(res.statusCode ?? 0));
          res.on("error", (e: NodeJS.ErrnoException) => done(0, e.code ?? e.message));
        },
      );
      req.on("error", (e: NodeJS.ErrnoException) => done(0, e.code ?? e.message));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Offers `count` requests at `perSecond`, each on its own schedule slot (start + i / rate); returns every
 * shot once all are answered. `lateMs` is how far the worst send fell behind its slot (the client's own lag).
 */
export async function openLoop(count: number, perSecond: number, fire: (i: number) => Promise<Shot>): Promise<{ shots: Shot[]; lateMs: number }> {
  const start = performance.now();
  const pending: Promise<Shot>[] = [];
  let lateMs = 0;
  for (let i = 0; i < count; i++) {
    const slot = start + (i * 1000) / perSecond;
    const wait = slot - performance.now();
    if (wait > 1) await sleep(wait);
    lateMs = Math.max(lateMs, performance.now() - slot);
    pending.push(fire(i));
  }
  return { shots: await Promise.all(pending), lateMs };
}

/** `connections` loops each sending the next request as soon as its last one is answered, for `seconds`. */
export async function closedLoop(connections: number, seconds: number, fire: (i: number) => Promise<Shot>): Promise<Shot[]> {
  const until = performance.now() + seconds * 1000;
  const shots: Shot[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) shots.push(await fire(next++));
    }),
  );
  return shots;
}

/** The q-quantile (0..1) of `values`, nearest-rank; NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** "1999 / 2000" plus what the others got ("1 × 429, 1 × ECONNRESET"). */
export function answered200(shots: Shot[]): string {
  const others = new Map<string, number>();
  for (const { status, error } of shots) {
    if (status === 200) continue;
    const what = error ?? String(status);
    others.set(what, (others.get(what) ?? 0) + 1);
  }
  const ok = shots.filter((s) => s.status === 200).length;
  const rest = [...others].map(([what, n]) => `${n} × ${what}`).join(", ");
  return `${ok} / ${shots.length}${rest ? ` (${rest})` : ""}`;
}

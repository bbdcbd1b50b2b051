/**
 * autocannon, programmatically: N keep-alive connections as fast as the server answers, each request's body
 * and forwarded address made by `make(i)` (i counts up across all connections).
 */
import autocannon from "autocannon";

/** What one run measured. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** Answers that were not 2xx, and socket errors/timeouts. */
  failed: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  total: number;
  /** Requests made (`make` calls), answered or not: the next run starts its numbering past them. */
  made: number;
}

export interface LoadOptions {
  port: number;
  path: string;
  connections: number;
  seconds: number;
  make: (i: number) => { body: unknown; ip?: string };
}

export async function load({ port, path, connections, seconds, make }: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path,
        setupRequest: (request) => {
          const { body, ip } = make(next++);
          return {
            ...request,
            body: JSON.stringify(body),
            headers: { "content-type": "application/json", "accept-language": "en", ...(ip ? { "x-forwarded-for": ip } : {}) },
          };
        },
      },
    ],
  });
  const total = result.requests.total;
  return {
    rps: total / (result.duration || seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stat]) => [status, stat?.count ?? 0])),
    total,
    made: next,
  };
}

/** A distinct client address for every `per` requests (from 10.0.0.0/8), so per-IP limits never refuse the load. */
export const rotatingIp = (i: number, per: number) => {
  const n = Math.floor(i / per) + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

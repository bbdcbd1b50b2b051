/**
 * A Resend stand-in for load runs: accepts every `POST /emails` with a fresh id and only counts them (the
 * capture server of @rekey/jobs keeps every body, too much for tens of thousands of emails).
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProviderSink {
  url: string;
  /** Emails accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startProviderSink(): Promise<ProviderSink> {
  let accepted = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && req.url?.startsWith("/emails")) accepted++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted: () => accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The operators' suites (ops.test.ts, ops-cli.test.ts): a runtime whose email transport is the local mailbox
 * behind a provider the test scripts to refuse mail, served by the app's front on 127.0.0.1.
 */
import { request } from "node:http";
import type { TestDatabaseTarget } from "@rekey/db/testing";
import { createMailboxTransport, type SendResult, type Transport } from "@rekey/jobs";
import { REMOTE_ADDR_HEADER } from "../client-ip";
import { listMailbox } from "../mailbox";
import { RELAXED_LIMITS } from "./flows";
import { createTestRuntime, serveFront, type TestRuntime } from "./index";

/** How the scripted provider answers the next send: refused for good (422), or a rate limit (429). */
type Refusal = "refuse" | { retryAfterSeconds: number };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // Each endpoint answers its own shape; tests assert on it with matchers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface OpsRig extends TestRuntime {
  url: string;
  /** Scripts the provider's answers to the next sends; once used up, mail goes to the local mailbox. */
  refuse(...refusals: Refusal[]): void;
  /** Any request to the front, with any headers (a foreign Host included), read as JSON. */
  call(path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer>;
  /** What this machine reads at /dev/mailbox: the recipients of the mail delivered so far. */
  delivered(): Promise<string[]>;
}

const REFUSED: SendResult = { ok: false, retryable: false, status: 422, error: "resend 422 validation_error: Invalid `to` field (scripted)" };

/** A runtime over a fresh database of `target` (captcha off, relaxed limits, `env`), served on 127.0.0.1. */
export async function startOpsRig(target: TestDatabaseTarget, env: Record<string, string> = {}): Promise<OpsRig> {
  const refusals: Refusal[] = [];
  // The local mailbox needs the runtime's database, which the runtime needs the transport to open.
  const inner: { mailbox?: Transport } = {};
  const transport: Transport = {
    async send(input) {
      const refusal = refusals.shift();
      if (refusal === "refuse") return REFUSED;
      if (refusal)
        return {
          ok: false,
          retryable: true,
          status: 429,
          retryAfterSeconds: refusal.retryAfterSeconds,
          error: "resend 429 rate_limit_exceeded (scripted)",
        };
      return inner.mailbox!.send(input);
    },
  };
  const t = await createTestRuntime(target, { CAPTCHA: "off", RATE_LIMITS: RELAXED_LIMITS, ...env }, { transport });
  inner.mailbox = createMailboxTransport(t.runtime.deps.db, t.runtime.config.email.from);
  const server = await serveFront(t.runtime);
  const { port } = new URL(server.url);
  const call: OpsRig["call"] = (path, init = {}) =>
    new Promise((resolve, reject) => {
      // A connection per request: after a refused body the front closes the connection it came on.
      const req = request(
        { agent: false, host: "127.0.0.1", port, path, method: init.method ?? "GET", headers: { host: `127.0.0.1:${port}`, ...init.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            try {
              resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : null });
            } catch {
              reject(new Error(`HTTP ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`));
            }
          });
        },
      );
      req.on("error", reject);
      req.end(init.body);
    });
  return {
    ...t,
    url: server.url,
    refuse: (...more) => void refusals.push(...more),
    call,
    delivered: async () => {
      const messages = await listMailbox(t.runtime, new Headers({ [REMOTE_ADDR_HEADER]: "127.0.0.1", host: "localhost" }));
      return (messages ?? []).map((message) => message.to);
    },
    close: async () => {
      await server.close();
      await t.close();
    },
  };
}

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createResendTransport, parseRetryAfter } from "./resend-transport";
import type { SendInput } from "./transport";

const API_KEY = "re_test_SECRET_0123456789abcdef";

interface Captured {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

type Responder = (res: ServerResponse, req: Captured) => void;

const servers: Server[] = [];

/** Starts a capture server on 127.0.0.1:0 that records every request and answers with `respond`. */
async function startServer(respond: Responder): Promise<{ baseUrl: string; requests: Captured[] }> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const captured = { method: req.method, url: req.url, headers: req.headers, body: raw ? JSON.parse(raw) : null };
      requests.push(captured);
      respond(res, captured);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, requests };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

const input: SendInput = {
  to: "alice@example.com",
  subject: "Reset your Rekey password",
  html: "<p>hello</p>",
  text: "hello",
  idempotencyKey: "password_reset/42",
};
const from = "Rekey <no-reply@rekey.example.com>";

describe("createResendTransport", () => {
  it("POSTs one email to /emails with bearer auth, idempotency key and the JSON fields", async () => {
    const { baseUrl, requests } = await startServer((res) => json(res, 200, { id: "email_123" }));
    const transport = createResendTransport({ apiKey: API_KEY, baseUrl: `${baseUrl}/`, from, timeoutMs: 2000 });

    await expect(transport.send(input)).resolves.toEqual({ ok: true, id: "email_123" });

    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("/emails");
    expect(req?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req?.headers["idempotency-key"]).toBe("password_reset/42");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.body).toMatchObject({
      from,
      to: "alice@example.com",
      subject: input.subject,
      html: input.html,
      text: input.text,
    });
  });

  it("treats a 500 as retryable", async () => {
    const { baseUrl } = await startServer((res) => json(res, 500, { statusCode: 500, name: "internal_server_error", message: "boom" }));
    const result = await createResendTransport({ apiKey: API_KEY, baseUrl, from, timeoutMs: 2000 }).send(input);
    expect(result).toMatchObject({ ok: false, retryable: true, status: 500 });
  });

  it("treats a non-JSON 502 as retryable with its status", async () => {
    const { baseUrl } = await startServer((res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>bad gateway</html>");
    });
    const result = await createResendTransport({ apiKey: API_KEY, baseUrl, from, timeoutMs: 2000 }).send(input);
    expect(result).toMatchObject({ ok: false, retryable: true, status: 502 });
  });

  it("treats a 429 as retryable and passes Retry-After on", async () => {
    const { baseUrl } = await startServer((res) =>
      json(res, 429, { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }, { "retry-after": "7" }),
    );
    const result = await createResendTransport({ apiKey: API_KEY, baseUrl, from, timeoutMs: 2000 }).send(input);
    expect(result).toEqual(expect.objectContaining({ ok: false, retryable: true, status: 429, retryAfterSeconds: 7 }));
  });

  it("treats a 409 invalid_idempotent_request (key already used, other body) as already accepted", async () => {
    const { baseUrl, requests } = await startServer((res) =>
      json(res, 409, {
        statusCode: 409,
        name: "invalid_idempotent_request",
        message: "Same idempotency key used with a different request payload.",
      }),
    );
    const result = await createResendTransport({ apiKey: API_KEY, baseUrl, from, timeoutMs: 2000 }).send(input);
    expect(result).toEqual({ ok: true, id: null, alreadyAccepted: true });
    expect(requests).toHaveLength(1);
  });

  it("treats a 409 concurrent_idempotent_requests (same key in flight) as retryable soon", async () => {
    const { baseUrl } = await startServer((res) =>
      json(res, 409, {
        statusCode: 409,
        name: "concurrent_idempotent_requests",
        message: "Same idempotency key used while original request is still in progress.",
      }),
    );
    const result = await createResendTransport({ apiKey: API_KEY, baseUrl, from, timeoutMs: 2000 }).send(input);
    expect(result).toMatchObject({ ok: false, retryable: true, inFlight: true, status: 409 });
  });

  it("passes a 503's Retry-After on, and never a 4xx's", async () => {
    const unavailable = await startServer((res) =>
      json(res, 503, { statusCode: 503, name: "service_unavailable", message: "down" }, { "retry-after": "4" }),
    );
    const refused = await startServer((res) => json(res, 422, { statusCode: 422, name: "validation_error", message: "bad" }, { "retry-after": "4" }));
    const send = (baseUrl: string) => createResendTransport({ apiKey: API_KEY, baseUrl, from, timeoutMs: 2000 }).send(input);
    expect(await send(unavailable.baseUrl)).toMatchObject({ ok: false, retryable: true, status: 503, retryAfterSeconds: 4 });
    expect(await send(refused.baseUrl)).not.toHaveProperty("retryAfterSeconds");
  });

  it("states its timeout, so delivery starts no send closer than that to a deadline", () => {
    expect(createResendTransport({ apiKey: API_KEY, from, timeoutMs: 1234 }).timeoutMs).toBe(1234);
    expect(createResendTransport({ apiKey: API_KEY, from }).timeoutMs).toBe(10_000);
  });

  it("treats a 422 validation error as final", async () => {
    const { baseUrl } = await startServer((res) => json(res, 422, { statusCode: 422, name: "validation_error", message: "Invalid `to` field." }));
    const result = await createResendTransport({ apiKey: API_KEY, baseUrl, from, timeoutMs: 2000 }).send(input);
    expect(result).toMatchObject({ ok: false, retryable: false, status: 422 });
    expect(result.ok === false && result.error).toContain("Invalid `to` field.");
  });

  it("turns a server that never answers into a retryable timeout within timeoutMs", async () => {
    const { baseUrl, requests } = await startServer(() => {
      /* never answer */
    });
    const timeoutMs = 150;
    const started = performance.now();
    const result = await createResendTransport({ apiKey: API_KEY, baseUrl, from, timeoutMs }).send(input);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.ok === false && result.error).toMatch(/timed out/);
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(elapsed).toBeLessThan(timeoutMs + 500);
    expect(requests).toHaveLength(1);
  });

  it("treats a refused connection as retryable", async () => {
    const { baseUrl } = await startServer(() => undefined);
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const result = await createResendTransport({ apiKey: API_KEY, baseUrl, from, timeoutMs: 2000 }).send(input);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result).not.toHaveProperty("status");
  });

  it("never puts the API key in the error string, even when the server echoes it", async () => {
    const echo = await startServer((res, req) =>
      json(res, 401, {
        statusCode: 401,
        name: "restricted_api_key",
        message: `key ${API_KEY} rejected; header was ${String(req.headers.authorization)}`,
      }),
    );
    const silent = await startServer(() => undefined);
    const results = [
      await createResendTransport({ apiKey: API_KEY, baseUrl: echo.baseUrl, from, timeoutMs: 2000 }).send(input),
      await createResendTransport({ apiKey: API_KEY, baseUrl: silent.baseUrl, from, timeoutMs: 100 }).send(input),
    ];
    for (const result of results) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error).not.toContain(API_KEY);
      expect(result.error).not.toContain("SECRET");
    }
    expect(results[0]).toMatchObject({ retryable: false, status: 401 });
  });

  it("rejects a missing key or sender at creation", () => {
    expect(() => createResendTransport({ apiKey: "", from })).toThrow(/apiKey/);
    expect(() => createResendTransport({ apiKey: API_KEY, from: "" })).toThrow(/from/);
    expect(() => createResendTransport({ apiKey: API_KEY, from, baseUrl: "not a url" })).toThrow(/base URL/);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2026-11-02T00:00:00Z");
    expect(parseRetryAfter("7")).toBe(7);
    expect(parseRetryAfter(" 0 ")).toBe(0);
    expect(parseRetryAfter("Mon, 02 Nov 2026 00:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Sun, 01 Nov 2026 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for Resend's `POST /emails` (and Inngest's event API `POST /e/:key`) on 127.0.0.1, for tests
 * that drive the real SDKs over HTTP.
 */

/** One scripted answer to the next `POST /emails` that is not an idempotent replay. */
type Behaviour =
  | { status: 200 }
  | { status: 500; message?: string }
  /** A gateway in front of Resend: an HTML body, no JSON. */
  | { status: 502 }
  | { status: 429; retryAfter: number }
  | { status: 422; message?: string }
  /** `concurrent_idempotent_requests`: a request with the same key is still being processed. */
  | { status: 409 }
  | "hang";

interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: unknown;
  /** The status answered, or "hang" for a request left without an answer. */
  answer: number | "hang";
  /** When it arrived, by the server's clock (the wall clock unless the test gave it its fake one). */
  at: Date;
}

/** An email Resend would have delivered: the first accepted request of its idempotency key. */
interface AcceptedEmail {
  id: string;
  idempotencyKey: string | undefined;
  from: string;
  to: string | string[];
  subject: string;
  html: string;
  text: string;
}

export interface CaptureServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:43210`. */
  url: string;
  /** Every request to `/emails`, replays included, in arrival order. */
  requests: CapturedRequest[];
  /** Every email accepted, once per idempotency key. */
  emails: AcceptedEmail[];
  /** Events posted to the Inngest event API (`/e/:key`), one entry per event. */
  events: { key: string; event: Record<string, unknown> }[];
  /** Queues answers for the next non-replayed `POST /emails`; once empty, every send is accepted. */
  script(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

interface Stored {
  body: string;
  status: number;
  response: unknown;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Starts the capture server. Idempotency works as Resend documents it: a request whose
 * `Idempotency-Key` was already accepted gets the first response again and is no new email; the same key
 * with a different payload gets `409 invalid_idempotent_request`. Scripted failures are not remembered
 * (the email was never accepted), so a retry with the same key is processed afresh.
 */
export async function startCaptureServer(options: { clock?: () => Date } = {}): Promise<CaptureServer> {
  const clock = options.clock ?? (() => new Date());
  const requests: CapturedRequest[] = [];
  const emails: AcceptedEmail[] = [];
  const events: CaptureServer["events"] = [];
  const queue: Behaviour[] = [];
  const accepted = new Map<string, Stored>();

  const handleEmail = (res: ServerResponse, captured: CapturedRequest, raw: string): void => {
    const key = captured.idempotencyKey;
    const previous = key === undefined ? undefined : accepted.get(key);
    if (previous) {
      if (previous.body !== raw) {
        captured.answer = 409;
        json(res, 409, {
          statusCode: 409,
          name: "invalid_idempotent_request",
          message: "Same idempotency key used with a different request payload.",
        });
        return;
      }
      captured.answer = previous.status;
      json(res, previous.status, previous.response);
      return;
    }
    const behaviour = queue.shift() ?? { status: 200 };
    if (behaviour === "hang") {
      captured.answer = "hang";
      return;
    }
    captured.answer = behaviour.status;
    switch (behaviour.status) {
      case 200: {
        const body = captured.body as Omit<AcceptedEmail, "id" | "idempotencyKey">;
        const response = { id: randomUUID() };
        emails.push({ id: response.id, idempotencyKey: key, from: body.from, to: body.to, subject: body.subject, html: body.html, text: body.text });
        if (key !== undefined) accepted.set(key, { body: raw, status: 200, response });
        json(res, 200, response);
        return;
      }
      case 500:
        json(res, 500, { statusCode: 500, name: "internal_server_error", message: behaviour.message ?? "Unexpected error." });
        return;
      case 502:
        res.writeHead(502, { "content-type": "text/html" });
        res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
        return;
      case 409:
        json(res, 409, {
          statusCode: 409,
          name: "concurrent_idempotent_requests",
          message: "Same idempotency key used while original request is still in progress.",
        });
        return;
      case 429:
        json(
          res,
          429,
          { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests." },
          { "retry-after": String(behaviour.retryAfter) },
        );
        return;
      case 422:
        json(res, 422, { statusCode: 422, name: "validation_error", message: behaviour.message ?? "Invalid `to` field." });
        return;
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        json(res, 400, { statusCode: 400, name: "invalid_json", message: "Body is not JSON." });
        return;
      }
      if (req.method === "POST" && path === "/emails") {
        const captured: CapturedRequest = {
          method: req.method,
          path,
          headers: req.headers,
          authorization: header(req.headers, "authorization"),
          idempotencyKey: header(req.headers, "idempotency-key"),
          body,
          answer: 0,
          at: clock(),
        };
        requests.push(captured);
        handleEmail(res, captured, raw);
        return;
      }
      const event = /^\/e\/([^/]+)$/.exec(path);
      if (req.method === "POST" && event) {
        const list = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
        for (const item of list) events.push({ key: decodeURIComponent(event[1]!), event: item });
        json(res, 200, { ids: list.map((item) => String(item.id ?? randomUUID())), status: 200 });
        return;
      }
      json(res, 404, { statusCode: 404, name: "not_found", message: "Not found." });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    emails,
    events,
    script: (...behaviours) => void queue.push(...behaviours),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hanging requests keep their sockets open: destroy them, or close() never calls back.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { REMOTE_ADDR_HEADER } from "../client-ip";
import { healthResponse } from "../health";
import { hostNameOf, isLoopbackName } from "../loopback";
import { handleRestRequest } from "../rest/handler";
import { REST_PREFIX } from "../rest/meta";
import type { Runtime } from "@rekey/runtime";
import { isRequestAborted } from "./body";
import { CAPTCHA_CHALLENGE_PATH, captchaChallengeResponse } from "./captcha";
import { localeFromAcceptLanguage } from "@rekey/validators";
import { envelopeBody, failure } from "./envelope";
import { serveUntilSignal, type ServeOptions } from "./lifecycle";
import { fromNode, writeResponse, type HttpRequest } from "./node";
import { healthDetail, OPS_PREFIX, opsResponse } from "./ops";
import { canonicalPath, originForm, under, type CanonicalPath } from "./paths";
import { arrivedOverHttps, BASE_SECURITY_HEADERS, contentSecurityPolicy, createNonce, HSTS } from "./security-headers";
import { handleTrpcRequest, TRPC_ENDPOINT } from "./trpc";

export interface FrontOptions {
  /** Development server: the CSP lets React's development build evaluate code; Next keeps its HMR socket. */
  dev?: boolean;
}

/**
 * The app's HTTP front, in front of Next: every answer's security headers, the API (REST, tRPC, health,
 * captcha) served directly, and well-formed answers where Next or Node would send a 500, an empty body, a
 * redirect or nothing at all (undecodable paths, odd methods, unparsable requests, CONNECT, Upgrade).
 */
export interface Front {
  /** Where to listen (CONTRACT §5 `HOST`, `PORT`). */
  host: string;
  port: number;
  /** An HTTP server that sends every request through this front, handing pages to `next` (Next). */
  createServer(next: (req: IncomingMessage, res: ServerResponse) => unknown): Server;
  /** Stops the email worker (its sends get up to `workerTimeoutMs`, then its claims are let go) and closes the database. */
  close(options?: { workerTimeoutMs?: number }): Promise<void>;
  /** Listens until SIGTERM/SIGINT, then stops gracefully (see `serveUntilSignal`). */
  serve(next: (req: IncomingMessage, res: ServerResponse) => unknown, options?: ServeOptions): Promise<Server>;
}

/** Served by Next (apps/web/src/app/api/inngest/route.ts), in Inngest mode only. */
const INNGEST_PATH = "/api/inngest";

/** What Node could not parse (no path, no language known yet): the 501 envelope. */
const PARAM_ERROR_BODY = JSON.stringify(envelopeBody("PARAM_ERROR"));

/** An answer written straight to a socket that Node's HTTP machinery gave up on, or never took. */
function answerOnSocket(socket: Duplex, status: string, body: string, extra = ""): void {
  // Next may also act on an upgrade socket after us: a late write must not become an uncaught error.
  socket.on("error", () => {});
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const headers = Object.entries(BASE_SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncache-control: no-store\r\n${headers}${extra}` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export function createFront(runtime: Runtime, options: FrontOptions = {}): Front {
  const { config, logger } = runtime;
  const appUrl = new URL(config.appUrl);

  function route({ path, raw, decodable }: CanonicalPath, method: string): ((req: HttpRequest) => Promise<Response>) | undefined {
    const api = (prefix: string) => under(path, prefix) || under(raw, prefix);
    if (api(REST_PREFIX)) return (req) => handleRestRequest(req, runtime);
    if (api(TRPC_ENDPOINT)) return (req) => handleTrpcRequest(req, runtime, appUrl.origin);
    if (path === "/api/health") return (req) => healthResponse(method, runtime, () => healthDetail(req, runtime));
    if (api(OPS_PREFIX)) return (req) => opsResponse(req, runtime, path);
    if (path === CAPTCHA_CHALLENGE_PATH) return (req) => captchaChallengeResponse(req, runtime);
    if (!api("/api")) return undefined;
    // Next could not even decode this (its 500): a plain 400 instead.
    if (!decodable) return () => Promise.resolve(failure("PARAM_ERROR", "zh-CN"));
    // The one API route Next serves; anything else under /api is unknown here, not a page to render.
    if (path === INNGEST_PATH) return undefined;
    return (req) => Promise.resolve(failure("ROUTE_NOT_FOUND", localeFromAcceptLanguage(req.headers.get("accept-language"))));
  }

  async function serve(req: IncomingMessage, res: ServerResponse, handler: (req: HttpRequest) => Promise<Response>) {
    const converted = fromNode(req);
    let response: Response;
    if (!converted) {
      response = failure("PARAM_ERROR", "zh-CN");
    } else {
      try {
        response = await handler(converted.request);
      } catch (error) {
        if (req.destroyed || isRequestAborted(error)) {
          res.destroy();
          return;
        }
        logger.error({ err: error, path: req.url?.split("?")[0] }, "API request failed");
        response = failure("INTERNAL", "zh-CN");
      }
    }
    await writeResponse(req, res, response, converted?.abandoned() ?? false);
  }

  /** Page requests: only reads, on APP_URL's own origin, with a fresh CSP nonce. */
  function page(req: IncomingMessage, res: ServerResponse, path: string, https: boolean, next: () => unknown): void {
    // The embedded default opened as http://127.0.0.1:3000 while APP_URL says localhost: the pages' API
    // accepts calls from APP_URL's origin only, so move to it (only ever between names of this machine).
    const host = hostNameOf(req.headers.host);
    if (host && isLoopbackName(host) && isLoopbackName(appUrl.hostname) && req.headers.host !== appUrl.host) {
      res.writeHead(308, { location: `${appUrl.origin}${req.url}`, "content-length": "0" });
      res.end();
      return;
    }
    // Pages are only ever read: no page defines a server action, and Next would take any other method (or
    // a multipart POST, or a Next-Action header) for one and log an error for it.
    if ((req.method !== "GET" && req.method !== "HEAD" && path !== INNGEST_PATH) || req.headers["next-action"] !== undefined) {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8", "content-length": "18" });
      res.end("Method Not Allowed");
      return;
    }
    if (!path.startsWith("/_next/static/")) {
      // Next reads the nonce from the request's policy and puts it on every script it renders.
      const policy = contentSecurityPolicy(createNonce(), { https, dev: options.dev ?? false });
      req.headers["content-security-policy"] = policy;
      res.setHeader("content-security-policy", policy);
    }
    next();
  }

  function handle(req: IncomingMessage, res: ServerResponse, next: () => unknown): void {
    for (const [name, value] of Object.entries(BASE_SECURITY_HEADERS)) res.setHeader(name, value);
    const forwardedProto = req.headers["x-forwarded-proto"];
    const https = arrivedOverHttps(
      "encrypted" in req.socket && Boolean(req.socket.encrypted),
      Array.isArray(forwardedProto) ? forwardedProto.join(",") : (forwardedProto ?? null),
      config.trustProxy,
    );
    if (https) res.setHeader("strict-transport-security", HSTS);
    // Always overwritten from the socket: rate limits and the mailbox's loopback check rely on it.
    req.headers[REMOTE_ADDR_HEADER] = req.socket.remoteAddress ?? "";
    // HTTP/1.0 and some clients send no Host; Next needs one to build URLs, and it is never trusted anyway.
    req.headers.host ??= appUrl.host;

    const target = originForm(req.url);
    if (target === null) {
      res.setHeader("cache-control", "no-store");
      void writeResponse(req, res, failure("PARAM_ERROR", "zh-CN"), false);
      return;
    }
    req.url = target;
    const path = canonicalPath(target);
    const handler = route(path, req.method ?? "GET");
    if (!handler) {
      page(req, res, path.path, https, next);
      return;
    }
    res.setHeader("cache-control", "no-store");
    // The API reads its path as written, less repeated slashes (`//api/v1/user//me` is `/api/v1/user/me`).
    req.url = target.replace(/^[^?]*/, (pathPart) => pathPart.replace(/\/{2,}/g, "/"));
    serve(req, res, handler).catch((error: unknown) => {
      logger.warn({ err: error }, "API answer not delivered");
      res.destroy();
    });
  }

  const front: Front = {
    host: config.host,
    port: config.port,
    close: (options) => runtime.close(options),
    serve: (next, serveOptions) => serveUntilSignal(front, next, serveOptions),
    createServer(next) {
      // No Host header is needed: links never come from it (a missing one is filled in from APP_URL).
      const server = createServer({ requireHostHeader: false });
      const onRequest = (req: IncomingMessage, res: ServerResponse) => handle(req, res, () => next(req, res));
      server.on("request", onRequest);
      // An `Expect` other than 100-continue: served like any request instead of Node's bodiless 417.
      server.on("checkExpectation", onRequest);
      // Requests Node's parser refuses: the 501 envelope rather than an empty 400.
      server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
        if (error.code === "ECONNRESET") socket.destroy();
        else answerOnSocket(socket, "400 Bad Request", PARAM_ERROR_BODY);
      });
      // CONNECT is not served here (Node would close without a word).
      server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
        answerOnSocket(socket, "405 Method Not Allowed", JSON.stringify(envelopeBody("METHOD_NOT_ALLOWED")), "allow: GET, POST\r\n");
      });
      // No WebSockets or protocol switches here; without an answer the socket would stay open past every
      // HTTP timeout. In development Next's own listener keeps its hot-reload socket under /_next/.
      server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
        if (options.dev && req.url?.startsWith("/_next/")) return;
        answerOnSocket(socket, "400 Bad Request", PARAM_ERROR_BODY);
      });
      return server;
    },
  };
  return front;
}

import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ERROR_CODES } from "@rekey/validators";
import { REMOTE_ADDR_HEADER } from "../client-ip";
import { healthResponse } from "../health";
import { handleRestRequest, REST_PREFIX } from "../rest/handler";
import type { Runtime } from "../runtime";
import { isRequestAborted } from "./body";
import { allowedOrigins } from "./cross-site";
import { fromNode, writeResponse, type HttpRequest } from "./node";
import { arrivedOverHttps, BASE_SECURITY_HEADERS, contentSecurityPolicy, createNonce, HSTS } from "./security-headers";
import { handleTrpcRequest, TRPC_ENDPOINT } from "./trpc";

export interface FrontOptions {
  /** Development server: the CSP lets React's development build evaluate code. */
  dev?: boolean;
}

/**
 * The app's HTTP front, in front of Next: every answer's security headers, the API (REST, tRPC, health)
 * served directly, and answers for what Next would turn into a 500 or an empty body (undecodable paths,
 * methods it does not route, requests Node's parser refuses).
 */
export interface Front {
  /** Where to listen (CONTRACT §5 `HOST`, `PORT`). */
  host: string;
  port: number;
  /** Handles the request, or sets the page headers and calls `next` to hand it to Next. */
  handle(req: IncomingMessage, res: ServerResponse, next: () => unknown): void;
  /** For the server's `clientError` event: a well-formed answer to a request Node could not parse. */
  clientError(error: NodeJS.ErrnoException, socket: Duplex): void;
  /** For the server's `connect` event: CONNECT is not served here (Node would close without a word). */
  refuseConnect(req: IncomingMessage, socket: Duplex): void;
  /** Serves every request `server` receives through this front, handing pages to `next`. */
  attach(server: Server, next: (req: IncomingMessage, res: ServerResponse) => unknown): void;
}

/** Served by Next (apps/web/src/app/api/inngest/route.ts), in Inngest mode only. */
const INNGEST_PATH = "/api/inngest";

const envelope = (code: "PARAM_ERROR" | "METHOD_NOT_ALLOWED" | "ROUTE_NOT_FOUND" | "INTERNAL") =>
  JSON.stringify({ code: ERROR_CODES[code].code, msg: ERROR_CODES[code].zh, data: null });
const PARAM_ERROR_BODY = envelope("PARAM_ERROR");

/** An answer written straight to a socket Node's HTTP machinery has given up on (or never took). */
function answerOnSocket(socket: Duplex, status: string, body: string, extra = ""): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const headers = Object.entries(BASE_SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncache-control: no-store\r\n${headers}${extra}` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}


function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path as a router would see it (dot segments resolved, %-escapes decoded where they can be), so that
 * `/api/%76%31/…` or `/api/./v1/…` reach the API's well-formed answers rather than Next's HTML 404.
 */
function canonicalPath(target: string): { path: string; decodable: boolean } {
  let path = target.split("?")[0]!.split("#")[0]!;
  try {
    path = new URL(`http://x${path.startsWith("/") ? "" : "/"}${path}`).pathname;
  } catch {
    return { path, decodable: false };
  }
  return decodable(path) ? { path: decodeURIComponent(path), decodable: true } : { path, decodable: false };
}

function jsonResponse(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "application/json; charset=utf-8" } });
}

export function createFront(runtime: Runtime, options: FrontOptions = {}): Front {
  const { config, logger } = runtime;
  const origins = allowedOrigins(config.appUrl);

  function route({ path, decodable }: { path: string; decodable: boolean }): ((req: HttpRequest) => Promise<Response>) | undefined {
    if (under(path, REST_PREFIX)) return (req) => handleRestRequest(req, runtime);
    if (under(path, TRPC_ENDPOINT)) return (req) => handleTrpcRequest(req, runtime, origins);
    if (path === "/api/health") return () => healthResponse(runtime);
    if (!under(path, "/api")) return undefined;
    // Next could not even decode this (its 500): a plain 400 instead.
    if (!decodable) return () => Promise.resolve(jsonResponse(400, PARAM_ERROR_BODY));
    // The one API route Next serves; anything else under /api is unknown here, not a page to render.
    if (path === INNGEST_PATH) return undefined;
    return () => Promise.resolve(jsonResponse(404, envelope("ROUTE_NOT_FOUND")));
  }

  async function serve(req: IncomingMessage, res: ServerResponse, handler: (req: HttpRequest) => Promise<Response>) {
    const converted = fromNode(req);
    let response: Response;
    if (!converted) {
      response = jsonResponse(400, PARAM_ERROR_BODY);
    } else {
      try {
        response = await handler(converted.request);
      } catch (error) {
        if (req.destroyed || isRequestAborted(error)) {
          res.destroy();
          return;
        }
        logger.error({ err: error, path: req.url?.split("?")[0] }, "API request failed");
        response = jsonResponse(500, envelope("INTERNAL"));
      }
    }
    await writeResponse(req, res, response, converted?.abandoned() ?? false);
  }

  return {
    host: config.host,
    port: config.port,
    handle(req, res, next) {
      const target = canonicalPath(req.url ?? "/");
      const { path } = target;
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

      const handler = route(target);
      if (handler) {
        res.setHeader("cache-control", "no-store");
        serve(req, res, handler).catch((error: unknown) => {
          logger.warn({ err: error }, "API answer not delivered");
          res.destroy();
        });
        return;
      }
      // Pages are only ever read (the Inngest route is not a page): no page defines a server action, and Next
      // would take any other method (or a multipart POST) for one and log an error for it.
      if (req.method !== "GET" && req.method !== "HEAD" && path !== INNGEST_PATH) {
        res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8", "content-length": "18" });
        res.end("Method Not Allowed");
        return;
      }
      if (req.headers["next-action"] !== undefined) {
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8", "content-length": "11" });
        res.end("Bad Request");
        return;
      }
      if (!path.startsWith("/_next/static/")) {
        // Next reads the nonce from the request's policy and puts it on every script it renders.
        const policy = contentSecurityPolicy(createNonce(), { https, dev: options.dev ?? false });
        req.headers["content-security-policy"] = policy;
        res.setHeader("content-security-policy", policy);
      }
      next();
    },
    clientError(error, socket) {
      if (error.code === "ECONNRESET") {
        socket.destroy();
        return;
      }
      answerOnSocket(socket, "400 Bad Request", PARAM_ERROR_BODY);
    },
    refuseConnect(_req, socket) {
      answerOnSocket(socket, "405 Method Not Allowed", envelope("METHOD_NOT_ALLOWED"), "allow: GET, POST\r\n");
    },
    attach(server, next) {
      const onRequest = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res, () => next(req, res));
      server.on("request", onRequest);
      // An `Expect` other than 100-continue: served like any request instead of Node's bodiless 417.
      server.on("checkExpectation", onRequest);
      server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => this.clientError(error, socket));
      server.on("connect", (req: IncomingMessage, socket: Duplex) => this.refuseConnect(req, socket));
    },
  };
}

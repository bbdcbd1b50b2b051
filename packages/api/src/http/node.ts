import type { IncomingMessage, ServerResponse } from "node:http";
import { REMOTE_ADDR_HEADER } from "../client-ip";

/**
 * What the API handlers read of a request. A fetch `Request` fits it, and so does any request Node's parser
 * accepted, whatever its method (`new Request` refuses TRACE or CONNECT, which must still get an answer).
 */
export interface HttpRequest {
  method: string;
  /** Absolute URL; only its path and query mean anything (links never come from the request's Host). */
  url: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
}

/** Base for turning a request target into a URL: the path and query are all that is used. */
const BASE = "http://rekey.internal";

/** A Node request as an `HttpRequest`, or null when its target or headers are not something we can read. */
export function fromNode(req: IncomingMessage): { request: HttpRequest; abandoned: () => boolean } | null {
  const target = req.url ?? "";
  // Only origin-form targets ("/path?query"): "*", absolute and authority forms are not ours to serve.
  // Concatenation, not `new URL(target, base)`: "//host/x" must stay a path, not become another host.
  if (!target.startsWith("/")) return null;
  let url: string;
  const headers = new Headers();
  try {
    url = new URL(BASE + target).href;
    const raw = req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
    // Always overwritten from the socket: a client can never supply its own peer address.
    headers.set(REMOTE_ADDR_HEADER, req.socket.remoteAddress ?? "");
  } catch {
    return null;
  }
  let abandoned = false;
  let stop = () => {};
  const bodyless = req.method === "GET" || req.method === "HEAD";
  const body = bodyless
    ? null
    : new ReadableStream<Uint8Array>(
        {
          start(controller) {
            const onData = (chunk: Buffer) => {
              controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
              if ((controller.desiredSize ?? 0) <= 0) req.pause();
            };
            const onEnd = () => {
              detach();
              controller.close();
            };
            const onError = (error: Error) => {
              detach();
              controller.error(error);
            };
            const detach = () => {
              req.off("data", onData).off("end", onEnd).off("error", onError);
            };
            req.on("data", onData).on("end", onEnd).on("error", onError);
            req.pause();
            stop = detach;
          },
          pull() {
            req.resume();
          },
          cancel() {
            // A reader gave up (body too large): stop reading, but keep the socket so the answer can be sent.
            abandoned = true;
            stop();
            req.pause();
          },
        },
        { highWaterMark: 1 },
      );
  return { request: { method: req.method ?? "GET", url, headers, body }, abandoned: () => abandoned };
}

/**
 * Writes a fetch `Response` to a Node response. API answers are small JSON, so the body is sent whole with
 * its length. When the request body was not read to its end (refused as too large), the connection is
 * closed afterwards instead of taking another request on it.
 */
export async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response, bodyUnread: boolean): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  headers["content-length"] = String(body.byteLength);
  if (bodyUnread || !req.complete) lingerThenClose(req, res);
  res.writeHead(response.status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

/** How long a refused body may keep arriving after the answer, before the connection is cut. */
const LINGER_MS = 5_000;

/**
 * A body refused before it was read: no further request is taken on this connection, but what the client is
 * still sending is read and dropped for a while after the answer. Closing at once would leave those bytes
 * unread, and the kernel would answer them with a reset that can destroy the answer before the client reads
 * it. (`Connection: close` would make Node close at once, so the socket is half-closed here instead.)
 */
function lingerThenClose(req: IncomingMessage, res: ServerResponse): void {
  res.once("finish", () => {
    req.resume();
    req.socket.end();
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  });
}

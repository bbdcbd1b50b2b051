/**
 * A deliberately small HTTP/1.1 client over raw TCP. `fetch` and `http.request` validate methods, paths
 * and header values before sending; this one writes whatever bytes it is given and reads one answer.
 */
import { connect } from "node:net";

export interface Answer {
  /** "answer": a status line arrived. "no-answer": the connection closed or failed first. "timeout": neither in time. */
  outcome: "answer" | "no-answer" | "timeout";
  status: number;
  statusLine: string;
  /** Lower-cased names, in order. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** The connection ended (or timed out) before the body its framing announced was complete. */
  truncated: boolean;
  /** Socket error code, if any (ECONNRESET, ECONNREFUSED, EPIPE…). */
  error: string;
  ms: number;
}

export interface Target {
  host: string;
  port: number;
}

export function header(answer: Answer, name: string): string | undefined {
  return answer.headers.find(([n]) => n === name)?.[1];
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

interface Head {
  status: number;
  statusLine: string;
  headers: Array<[string, string]>;
  bodyStart: number;
}

function parseHead(buf: Buffer): Head | "incomplete" | "garbage" {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0) return buf.length > 256 * 1024 ? "garbage" : "incomplete";
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const statusLine = lines[0] ?? "";
  const m = /^HTTP\/\d\.\d (\d{3})(?: .*)?$/.exec(statusLine);
  if (!m) return "garbage";
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers.push([line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()]);
  }
  return { status: Number(m[1]), statusLine, headers, bodyStart: end + 4 };
}

/** Decodes a complete chunked body, or returns undefined while more bytes are needed. */
function dechunk(buf: Buffer): Buffer | undefined | "garbage" {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = buf.indexOf("\r\n", pos);
    if (lineEnd < 0) return undefined;
    const sizeText = buf.subarray(pos, lineEnd).toString("latin1").split(";")[0]?.trim() ?? "";
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) return "garbage";
    const size = parseInt(sizeText, 16);
    pos = lineEnd + 2;
    if (size === 0) {
      // Trailers (if any) end with an empty line.
      const trailerEnd = buf.indexOf("\r\n", pos);
      if (trailerEnd < 0) return undefined;
      if (trailerEnd === pos) return Buffer.concat(parts);
      const blank = buf.indexOf(CRLFCRLF, pos);
      return blank < 0 ? undefined : Buffer.concat(parts);
    }
    if (buf.length < pos + size + 2) return undefined;
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

/**
 * Sends `payload` on a fresh connection and reads one answer (skipping 1xx interim answers).
 * `headRequest`: the answer has no body whatever its headers say.
 */
export function exchange(target: Target, payload: Buffer, opts: { timeoutMs: number; headRequest: boolean }): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    let head: Head | undefined;
    let settled = false;
    let error = "";
    const socket = connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);

    const finish = (outcome: Answer["outcome"], body: Buffer | undefined, truncated: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        outcome: head ? "answer" : outcome,
        status: head?.status ?? 0,
        statusLine: head?.statusLine ?? "",
        headers: head?.headers ?? [],
        body: body ?? Buffer.alloc(0),
        truncated,
        error,
        ms: performance.now() - started,
      });
    };

    /** Returns true once the answer is complete. */
    const tryComplete = (closed: boolean): boolean => {
      for (;;) {
        if (!head) {
          const parsed = parseHead(buf);
          if (parsed === "incomplete") {
            if (closed) finish("no-answer", undefined, false);
            return closed;
          }
          if (parsed === "garbage") {
            error ||= "unparseable answer";
            finish("no-answer", undefined, false);
            return true;
          }
          if (parsed.status >= 100 && parsed.status < 200 && parsed.status !== 101) {
            buf = buf.subarray(parsed.bodyStart);
            continue;
          }
          head = parsed;
          buf = buf.subarray(parsed.bodyStart);
        }
        const te = head.headers.find(([n]) => n === "transfer-encoding")?.[1] ?? "";
        const cl = head.headers.find(([n]) => n === "content-length")?.[1];
        if (opts.headRequest || head.status === 204 || head.status === 304) {
          finish("answer", Buffer.alloc(0), false);
          return true;
        }
        if (/chunked/i.test(te)) {
          const body = dechunk(buf);
          if (body === "garbage") {
            error ||= "bad chunked framing in answer";
            finish("answer", buf, true);
            return true;
          }
          if (body) {
            finish("answer", body, false);
            return true;
          }
          if (closed) finish("answer", buf, true);
          return closed;
        }
        if (cl !== undefined && /^\d+$/.test(cl)) {
          const n = Number(cl);
          if (buf.length >= n) {
            finish("answer", buf.subarray(0, n), false);
            return true;
          }
          if (closed) finish("answer", buf, true);
          return closed;
        }
        // No framing: the body runs until the connection closes.
        if (closed) finish("answer", buf, false);
        return closed;
      }
    };

    const timer = setTimeout(() => {
      error ||= "timeout";
      finish("timeout", buf, head !== undefined);
    }, opts.timeoutMs);

    socket.on("connect", () => {
      socket.write(payload, (err) => {
        if (err) error ||= (err as NodeJS.ErrnoException).code ?? err.message;
      });
    });
    socket.on("data", (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      tryComplete(false);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      error ||= err.code ?? err.message;
    });
    socket.on("close", () => {
      tryComplete(true);
    });
  });
}

import type { Logger } from "@rekey/auth";
import { scrubSecrets, summarizeError, type ErrorSummary } from "@rekey/db";
import pino from "pino";

/** Longest string value or message a log line keeps (after scrubbing). */
const MAX_LOG_STRING = 2000;
/** Frames kept from a stack; the rest is noise from the runtime's internals. */
const MAX_FRAMES = 15;
/** Nesting walked for strings and errors; deeper values are replaced, not serialised unchecked. */
const MAX_DEPTH = 6;

const REDACTED = "[redacted]";

/**
 * Field names (compared lower-cased) whose values never reach a log line, at any depth: the formatter
 * below redacts them while it walks the line for strings anyway. pino's own `redact` is not used: with
 * these paths it cost 35-250 µs per line here, against a few µs for this walk.
 */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  "password",
  "new_password",
  "newpassword",
  "current_password",
  "currentpassword",
  "old_password",
  "token",
  "access_token",
  "refresh_token",
  "captcha",
  "secret",
  "apikey",
  "api_key",
  "x-api-key",
  "authorization",
  "cookie",
  "set-cookie",
]);
/**
 * `code` is the 8-digit reset code in a request's input, but also an error's SQLSTATE (`err.code`), which
 * must stay: so it is redacted only inside the containers a request's fields travel in.
 */
const INPUT_CONTAINERS: ReadonlySet<string> = new Set(["input", "body", "data", "payload", "params", "query"]);

/** Objects this module produced: already safe, so a second pass (serializer after formatter) skips them. */
const produced = new WeakSet<object>();

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null;

/** An Error, or what a caller built from one (`{ name, message, stack }`). */
function isErrorLike(value: unknown): value is Fields & { message: string } {
  return (
    value instanceof Error ||
    (isObject(value) && typeof value.message === "string" && (typeof value.stack === "string" || typeof value.name === "string"))
  );
}

/**
 * The `    at …` lines only: a stack starts with the message, which may hold SQL parameters (over several
 * lines, any of which could look like a frame), so that header is cut off first when it is recognisable.
 */
function frames(error: Fields & { message: string }): string[] {
  const stack = error.stack;
  if (typeof stack !== "string") return [];
  const name = typeof error.name === "string" ? error.name : "Error";
  const header = error.message ? `${name}: ${error.message}` : name;
  return (stack.startsWith(header) ? stack.slice(header.length) : stack)
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => scrubSecrets(line, MAX_LOG_STRING));
}

/** Serialised error: the safe summary (name, SQLSTATE or symbolic code, message, cause) and its stack frames. */
type SerializedError = ErrorSummary & { stack?: string };

/**
 * Turns an error into {@link SerializedError}: database errors by code and message only (never the query,
 * its parameters or the failing row), the stack rebuilt from its frames. A string is scrubbed; any other
 * value is returned as it is (the log formatter scrubs what it holds).
 */
export function serializeError(value: unknown): unknown {
  if (typeof value === "string") return scrubSecrets(value, MAX_LOG_STRING);
  if (!isErrorLike(value) || produced.has(value)) return value;
  const summary: SerializedError = summarizeError(value);
  const lines = frames(value);
  // Database errors: code and message only (CONTRACT §6). Our own faults keep their frames for debugging.
  if (lines.length > 0 && !summary.database) summary.stack = [`${summary.name}: ${summary.message}`, ...lines].join("\n");
  produced.add(summary);
  return summary;
}

/**
 * Every string scrubbed, every error serialised and every secret field redacted, at any depth up to
 * {@link MAX_DEPTH}. Copy on write: a log object with nothing to change is passed on as it is, so the
 * common line costs one cheap test per string and no allocation.
 */
function clean(value: unknown, depth: number, container = ""): unknown {
  if (typeof value === "string") return scrubSecrets(value, MAX_LOG_STRING);
  if (!isObject(value) || produced.has(value)) return value;
  if (isErrorLike(value)) return serializeError(value);
  if (depth >= MAX_DEPTH) return "[too deep]";
  // URL, Date and friends serialise through toJSON (a URL to its href, with the query string).
  if (typeof value.toJSON === "function") return clean((value.toJSON as () => unknown)(), depth + 1, container);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const next = clean(item, depth + 1, container);
      if (next !== item) (copy ??= value.slice())[index] = next;
    });
    return copy ?? value;
  }
  let copy: Fields | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const name = key.toLowerCase();
    const secret = SECRET_KEYS.has(name) || (name === "code" && INPUT_CONTAINERS.has(container));
    const next = secret ? (item === undefined ? item : REDACTED) : clean(item, depth + 1, name);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

/** A message argument scrubbed; a message derived from an error is its safe summary's message. */
function cleanArgs(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  // logger.error(error): pino would take `error.message` (drizzle's holds the parameters) as the message.
  if (first instanceof Error) return cleanArgs([{ err: first }, ...(rest.length > 0 ? rest : [summarizeError(first).message])]);
  if (isObject(first) && rest[0] === undefined && first.msg === undefined) {
    const error = first.err ?? first.error;
    if (isErrorLike(error)) return [first, summarizeError(error).message];
  }
  return args.map((arg) => (typeof arg === "string" ? scrubSecrets(arg, MAX_LOG_STRING) : arg));
}

/**
 * Standard output, written asynchronously: a synchronous write to a pipe whose reader falls behind (a log
 * shipper, a terminal being scrolled) would stop the event loop, and with it every request and email, until
 * the reader caught up. What is still buffered is written out when the process exits.
 */
let stdout: pino.DestinationStream | undefined;
function stdoutDestination(): pino.DestinationStream {
  if (stdout) return stdout;
  const destination = pino.destination({ dest: 1, sync: false });
  process.once("exit", () => {
    try {
      destination.flushSync();
    } catch {
      // Not open yet, or stdout is gone: nothing more can be written.
    }
  });
  return (stdout = destination);
}

/**
 * The one logger: JSON lines on stdout (or `destination`). Nothing private reaches a line: errors are
 * serialised by {@link serializeError}, every string value and message is scrubbed of what looks like a
 * token, link, key or password, and the fields named in {@link SECRET_KEYS} are redacted at any depth.
 */
export function createLogger(level: string, destination: pino.DestinationStream = stdoutDestination()): Logger {
  return pino(
    {
      level,
      base: { app: "rekey" },
      serializers: { err: serializeError, error: serializeError },
      // Child loggers' bindings are not passed through here (pino resets that formatter for children);
      // our Logger interface has no `child`, so every field arrives through `log`.
      formatters: { log: (object) => clean(object, 0) as Fields },
      hooks: {
        logMethod(args, method) {
          method.apply(this, cleanArgs(args) as Parameters<pino.LogFn>);
        },
      },
    },
    destination,
  );
}

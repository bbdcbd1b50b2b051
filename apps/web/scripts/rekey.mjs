#!/usr/bin/env node
// @ts-check
// `pnpm rekey …`: the operators' command. It asks the running app (the operators' endpoints answer only
// requests from this machine) and prints what it says. Plain Node: it runs before any build.
import { operatorsUrl } from "@rekey/config/launch";

const USAGE = `Usage:
  pnpm rekey outbox list [--state STATE] [--limit N] [--json]
      The mail waiting or gone wrong (pending, retrying, dead, expired; newest first, 50 by default),
      with the counts of every state. --state narrows to one of: pending, retrying, sent, skipped, dead, expired.
  pnpm rekey outbox requeue --dead [--json]
      Puts every dead email back in the queue (a reset email only while its link is still valid).
  pnpm rekey outbox requeue ID [ID…] [--json]
      The same for the dead emails given by id.

The app is asked at REKEY_URL, by default http://127.0.0.1:$PORT (PORT defaults to 3000).
Use \`pnpm -s rekey … --json\` for output a program reads.`;

const STATES = ["pending", "retrying", "sent", "skipped", "dead", "expired"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMEOUT_MS = 15_000;
const base = operatorsUrl();

class Fail extends Error {
  /** @param {string} message @param {number} [code] */
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

/** @param {string[]} args */
function parse(args) {
  /** @type {{ positional: string[], state?: string, limit?: string, json: boolean, dead: boolean, help: boolean }} */
  const parsed = { positional: [], json: false, dead: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      const next = inline ?? args[++i];
      if (next === undefined) throw new Fail(`${flag} needs a value\n\n${USAGE}`, 2);
      return next;
    };
    if (flag === "--json") parsed.json = true;
    else if (flag === "--dead") parsed.dead = true;
    else if (flag === "--help" || flag === "-h") parsed.help = true;
    else if (flag === "--state") parsed.state = value();
    else if (flag === "--limit") parsed.limit = value();
    else if (flag.startsWith("-")) throw new Fail(`unknown option ${flag}\n\n${USAGE}`, 2);
    else parsed.positional.push(flag);
  }
  return parsed;
}

/** @param {string} path @param {RequestInit} [init] */
async function ask(path, init = {}) {
  let response;
  try {
    response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    if (/** @type {Error} */ (error).name === "TimeoutError") {
      throw new Fail(`no answer from ${base} within ${TIMEOUT_MS / 1000} s: the app is up but stuck or overloaded (see its log, and /api/health).`);
    }
    const { cause, message } = /** @type {{ cause?: { code?: string, message?: string }, message: string }} */ (error);
    const why = cause?.code ?? cause?.message ?? message;
    throw new Fail(
      `no answer from ${base} (${why}). Is the app running? Start it with \`pnpm start\`, or set REKEY_URL (or PORT) to where it listens.`,
    );
  }
  const text = await response.text();
  /** @type {any} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Fail(`${base} answered ${response.status} with something other than JSON: ${text.slice(0, 200)}`);
  }
  if (response.ok) return body;
  if (response.status === 404) {
    throw new Fail(
      `${base} answered 404: the operators' endpoints answer only requests made on the app's own machine ` +
        `(a loopback address, no proxy in between). Run this command there, against 127.0.0.1.`,
    );
  }
  const issues = (body?.data?.issues ?? []).map((/** @type {any} */ i) => `${i.path || "body"}: ${i.message}`).join("; ");
  throw new Fail(`${base} answered ${response.status}: ${body?.msg ?? text.slice(0, 200)}${issues ? ` (${issues})` : ""}`);
}

/** Seconds as the largest two units: 45s, 3m10s, 2h05m, 1d04h; negative with a minus. @param {number | null} s */
function duration(s) {
  if (s === null || s === undefined) return "-";
  const sign = s < 0 ? "-" : "";
  let v = Math.abs(s);
  if (v < 60) return `${sign}${v}s`;
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  if (v < 3600) return `${sign}${Math.floor(v / 60)}m${pad(v % 60)}s`;
  v = Math.floor(v / 60);
  if (v < 1440) return `${sign}${Math.floor(v / 60)}h${pad(v % 60)}m`;
  v = Math.floor(v / 60);
  return `${sign}${Math.floor(v / 24)}d${pad(v % 24)}h`;
}

/** @param {string[]} header @param {string[][]} rows */
function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (/** @type {string[]} */ cells) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** @param {any} overview @param {string | undefined} state */
function printOverview(overview, state) {
  const c = overview.counts;
  const oldest = overview.oldest_pending_seconds === null ? "" : `  (oldest waiting: ${duration(overview.oldest_pending_seconds)})`;
  console.log(`Outbox at ${base}`);
  console.log(STATES.map((s) => `${s} ${c[s]}`).join(" · ") + oldest);
  console.log("");
  if (overview.rows.length === 0) {
    console.log(state ? `No ${state} mail.` : "Nothing waiting, nothing failed.");
    return;
  }
  const header = ["ID", "KIND", "STATE", "RECIPIENT", "ATTEMPTS", "AGE", "NEXT ATTEMPT", "DEADLINE", "REASON"];
  const rows = overview.rows.map((/** @type {any} */ r) => [
    r.id,
    r.kind,
    r.state,
    r.recipient,
    String(r.attempts),
    duration(r.age_seconds),
    r.next_attempt_in_seconds === null ? "-" : r.next_attempt_in_seconds === 0 ? "due" : `in ${duration(r.next_attempt_in_seconds)}`,
    r.deadline_in_seconds < 0 ? `passed ${duration(-r.deadline_in_seconds)} ago` : `in ${duration(r.deadline_in_seconds)}`,
    (r.reason ?? "-").replace(/\s+/g, " "),
  ]);
  console.log(table(header, rows));
  const total = state ? c[state] : c.pending + c.retrying + c.dead + c.expired;
  if (rows.length < total) console.log(`\n(the newest ${rows.length} of ${total}; --limit N shows more)`);
}

/** @param {any} result @param {boolean} byId */
function printRequeue(result, byId) {
  if (result.requeued.length) console.log(`Re-queued ${result.requeued.length}:\n  ${result.requeued.join("\n  ")}`);
  else console.log("Nothing re-queued.");
  if (result.too_late.length) {
    console.log(`Left dead, their link has expired (the person can ask for a new one):\n  ${result.too_late.join("\n  ")}`);
  }
  if (result.not_dead.length) {
    const lines = result.not_dead.map((/** @type {any} */ r) => `${r.id} (${r.state ?? "no such email"})`);
    console.log(`Not dead, left as they are:\n  ${lines.join("\n  ")}`);
  }
  if (result.wake_error) console.error(`warning: re-queued, but delivery could not be told at once: ${result.wake_error}`);
  return result.wake_error || (byId && (result.too_late.length || result.not_dead.length)) ? 1 : 0;
}

async function main() {
  const args = parse(process.argv.slice(2));
  const [topic, command, ...rest] = args.positional;
  if (args.help || !topic) {
    console.log(USAGE);
    return args.help ? 0 : 2;
  }
  if (topic !== "outbox") throw new Fail(`unknown command "${topic}"\n\n${USAGE}`, 2);
  if (command === "list" || command === undefined) {
    if (rest.length) throw new Fail(`unexpected ${rest.join(" ")}\n\n${USAGE}`, 2);
    if (args.state !== undefined && !STATES.includes(args.state)) throw new Fail(`--state must be one of ${STATES.join(", ")}`, 2);
    if (args.limit !== undefined && !/^[1-9]\d{0,3}$/.test(args.limit)) throw new Fail("--limit must be a whole number from 1 to 1000", 2);
    const query = new URLSearchParams();
    if (args.state) query.set("state", args.state);
    if (args.limit) query.set("limit", args.limit);
    const overview = await ask(`/api/ops/outbox${query.size ? `?${query}` : ""}`);
    if (args.json) console.log(JSON.stringify(overview, null, 2));
    else printOverview(overview, args.state);
    return 0;
  }
  if (command === "requeue") {
    if (args.dead === rest.length > 0) throw new Fail(`give --dead, or the ids of dead emails\n\n${USAGE}`, 2);
    const bad = rest.find((id) => !UUID.test(id));
    if (bad) throw new Fail(`"${bad}" is not an outbox id (the ID column of \`pnpm rekey outbox list\`)`, 2);
    const result = await ask("/api/ops/outbox/requeue", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(args.dead ? { dead: true } : { ids: rest }),
    });
    if (args.json) {
      console.log(JSON.stringify(result, null, 2));
      return result.wake_error ? 1 : 0;
    }
    return printRequeue(result, !args.dead);
  }
  throw new Fail(`unknown command "outbox ${command}"\n\n${USAGE}`, 2);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`rekey: ${error instanceof Fail ? error.message : error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = error instanceof Fail ? error.code : 1;
  },
);

/** Counting answers and violations, and printing them. */
import { showBody, showCompact } from "./bytes";
import type { Answer } from "./http";
import type { FuzzCase } from "./model";
import { answerShape, VIOLATION_KINDS, type Rule, type Verdict, type ViolationKind } from "./properties";

const MAX_EXAMPLES = 20;
const MAX_TRIGGERS = 6;
const DEFAULT_HEADERS = new Set(["host", "connection", "user-agent"]);
const OTHER_NODE_METHOD = /^method:(TRACE|CONNECT)$/;

export interface Example {
  index: number;
  kind: ViolationKind;
  detail: string;
  request: string;
  answer: string;
}

/** One kind of failure: a violation with the same status and shape of answer. */
interface Signature {
  kind: ViolationKind;
  surface: string;
  shape: string;
  count: number;
  /** Likely trigger (grouped) → how often, one example, and the exact tags seen. */
  triggers: Map<string, { count: number; example: Example; tags: Map<string, number> }>;
}

export function compactRequest(c: FuzzCase, maxBody = 120): string {
  const s = c.spec;
  const hs = c.headers
    .filter(([n, v]) => !DEFAULT_HEADERS.has(n.toLowerCase()) || (n.toLowerCase() === "host" && !/^localhost:\d+$|^127\.0\.0\.1:\d+$/.test(v)))
    .map(([n, v]) => `${showCompact(n, 40)}: ${showCompact(v, 60)}`);
  const many = hs.length > 8 ? [...hs.slice(0, 8), `…+${hs.length - 8} headers`] : hs;
  const body = s.body.length ? ` body(${s.body.length})=${showCompact(s.body, maxBody)}` : "";
  return `${showCompact(s.method, 24)} ${showCompact(c.target, 160)}${many.length ? ` {${many.join("; ")}}` : ""}${body}`;
}

export function compactAnswer(a: Answer): string {
  if (a.outcome !== "answer") return answerShape(a);
  const body = a.body.length ? ` ${showBody(a.body, 100)}` : "";
  return `${a.status} [${answerShape(a)}]${body}`;
}

/** The mutation most likely responsible, for grouping: the strangest thing in the request first. */
function likelyTrigger(tags: string[], shape: string): string {
  const order: RegExp[] = shape.startsWith("redirect")
    ? [/^hdr:next-internal$/, /^path:/, /^method:/]
    : [
        /^method:CONNECT$/,
        /^method:(malformed|random-token|lowercase)$/,
        /^path:(broken-escape|invalid-utf8-escape|raw-control|raw-non-ascii|very-long)$/,
        /^hdr:(huge-value|control-byte|malformed-name|obs-fold|expect|upgrade|host|next-internal)$/,
        /^framing:/,
        /^method:/,
        /^path:/,
        /^query:(very-long|random-bytes)$/,
        /^hdr:many$/,
      ];
  order.push(/^hdr:(trpc-accept|accept|range)$/, /^body:/, /^query:/, /^hdr:/, /^ct:/);
  for (const re of order) {
    const tag = tags.find((t) => re.test(t));
    if (tag) return tag;
  }
  return "(no mutation)";
}

/** Group names: every WebDAV/other method in one group, TRACE and CONNECT on their own. */
function triggerGroup(trigger: string): string {
  if (trigger.startsWith("method:") && !/^method:(malformed|random-token|lowercase)$/.test(trigger) && !OTHER_NODE_METHOD.test(trigger)) {
    return /^method:(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)$/.test(trigger) ? "method:standard" : "method:webdav/other";
  }
  return trigger;
}

function shapeGroup(a: Answer): string {
  const shape = answerShape(a);
  if (shape.startsWith("redirect")) return "redirect";
  if (shape.startsWith("closed without status")) return "closed without status";
  return shape;
}

export class Stats {
  cases = 0;
  readonly byClass = new Map<string, number>();
  readonly byStatus = new Map<number, number>();
  readonly violations = new Map<ViolationKind, number>(VIOLATION_KINDS.map((k) => [k, 0]));
  casesWithViolation = 0;
  readonly examples: Example[] = [];
  readonly signatures = new Map<string, Signature>();
  readonly applied = new Map<Rule, number>();
  /** Answer time per endpoint label: [count, total ms]. */
  readonly latency = new Map<string, [number, number]>();
  readonly startedAt = performance.now();
  finishedAt = 0;

  record(c: FuzzCase, a: Answer, verdict: Verdict): void {
    this.cases++;
    const cls =
      a.outcome === "answer"
        ? `${Math.floor(a.status / 100)}xx`
        : c.incomplete
          ? "incomplete request, no answer (expected)"
          : a.outcome === "timeout"
            ? "timeout"
            : "no answer";
    this.byClass.set(cls, (this.byClass.get(cls) ?? 0) + 1);
    const group = c.spec.label.replace(/×\d+$/, c.spec.trpc && c.spec.trpc.calls.length > 10 ? "×11-30" : "×1-10");
    const l = this.latency.get(group) ?? [0, 0];
    l[0]++;
    l[1] += a.ms;
    this.latency.set(group, l);
    if (a.outcome === "answer") this.byStatus.set(a.status, (this.byStatus.get(a.status) ?? 0) + 1);
    for (const r of verdict.applied) this.applied.set(r, (this.applied.get(r) ?? 0) + 1);
    const vs = verdict.violations;
    if (vs.length === 0) return;
    this.casesWithViolation++;
    for (const v of vs) {
      this.violations.set(v.kind, (this.violations.get(v.kind) ?? 0) + 1);
      const example: Example = { index: c.index, kind: v.kind, detail: v.detail, request: compactRequest(c), answer: compactAnswer(a) };
      if (this.examples.length < MAX_EXAMPLES) this.examples.push(example);
      const shape = `${a.outcome === "answer" ? a.status : a.outcome} ${shapeGroup(a)}`;
      const key = `${v.kind}|${c.spec.surface}|${shape}`;
      let sig = this.signatures.get(key);
      if (!sig) {
        sig = { kind: v.kind, surface: c.spec.surface, shape, count: 0, triggers: new Map() };
        this.signatures.set(key, sig);
      }
      sig.count++;
      const tag = likelyTrigger(c.spec.tags, shapeGroup(a));
      const group = triggerGroup(tag);
      let t = sig.triggers.get(group);
      if (!t) {
        t = { count: 0, example, tags: new Map() };
        sig.triggers.set(group, t);
      }
      t.count++;
      t.tags.set(tag, (t.tags.get(tag) ?? 0) + 1);
    }
  }

  get totalViolations(): number {
    return [...this.violations.values()].reduce((a, b) => a + b, 0);
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

export interface ReportContext {
  seed: number;
  requestedCases: number;
  target: string;
  ownServer: boolean;
  serverStackLines: number;
  serverStackSamples: string[];
  serverStackKinds: Map<string, number>;
  serverLogLines: number;
  serverExit?: string;
  interrupted: boolean;
  /** CPU seconds during the run: the fuzzer's own, and the server's when it was started here. */
  fuzzerCpu: number;
  serverCpu: number | undefined;
}

export function printReport(stats: Stats, ctx: ReportContext): boolean {
  const out: string[] = [];
  const seconds = ((stats.finishedAt || performance.now()) - stats.startedAt) / 1000;
  const replay = (i: number) => `--seed ${ctx.seed} --replay ${i}`;

  if (stats.examples.length) {
    out.push("", `First ${stats.examples.length} violations (replay one with: npx tsx src/main.ts ${replay(stats.examples[0]?.index ?? 0)}):`);
    for (const e of stats.examples) {
      out.push(`  #${e.index} ${e.kind}: ${e.detail}`, `      request: ${e.request}`, `      answer:  ${e.answer}`);
    }
  }
  if (stats.signatures.size) {
    const sigs = [...stats.signatures.values()].sort(
      (a, b) => VIOLATION_KINDS.indexOf(a.kind) - VIOLATION_KINDS.indexOf(b.kind) || b.count - a.count,
    );
    out.push(
      "",
      `Distinct failures (${sigs.length}): violation, surface, status and shape of the answer; below, the likely triggers with one example each:`,
    );
    for (const s of sigs) {
      out.push(`  ${pad(String(s.count), 6)} ${pad(s.kind, 21)} ${pad(s.surface, 5)} → ${s.shape}`);
      const triggers = [...s.triggers.entries()].sort((a, b) => b[1].count - a[1].count);
      for (const [group, t] of triggers.slice(0, MAX_TRIGGERS)) {
        const tags = [...t.tags.entries()].sort((a, b) => b[1] - a[1]);
        const detail =
          t.tags.size > 1
            ? ` (${tags
                .slice(0, 5)
                .map(([tag, n]) => `${tag.replace(/^method:/, "")}×${n}`)
                .join(", ")}${tags.length > 5 ? ", …" : ""})`
            : "";
        out.push(
          `         ${pad(String(t.count), 5)} ${group}${detail}`,
          `               e.g. #${t.example.index}: ${t.example.request}  ⇒ ${t.example.detail.slice(0, 120)}`,
        );
      }
      if (triggers.length > MAX_TRIGGERS)
        out.push(
          `               …and ${triggers.length - MAX_TRIGGERS} more triggers (${triggers
            .slice(MAX_TRIGGERS)
            .map(([g, t]) => `${g}×${t.count}`)
            .join(", ")})`,
        );
    }
  }
  if (ctx.serverStackSamples.length) {
    out.push("", "Server log lines that look like stack traces (first ones):");
    for (const l of ctx.serverStackSamples) out.push(`  ${l}`);
  }

  const classes = ["2xx", "3xx", "4xx", "5xx", "no answer", "timeout", "incomplete request, no answer (expected)"];
  const topStatuses = [...stats.byStatus.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  const failed = stats.totalViolations > 0 || ctx.serverStackLines > 0 || ctx.serverExit !== undefined;
  const rows: Array<[string, string]> = [
    ["seed", `${ctx.seed}  (replay a case: --seed ${ctx.seed} --replay <case#>)`],
    ["target", `${ctx.target}${ctx.ownServer ? " (started by the fuzzer)" : ""}`],
    ["cases", `${stats.cases}${stats.cases < ctx.requestedCases ? ` of ${ctx.requestedCases}${ctx.interrupted ? " (interrupted)" : ""}` : ""}`],
    ...classes.filter((c) => stats.byClass.get(c)).map((c): [string, string] => [`  ${c}`, String(stats.byClass.get(c))]),
    ["top statuses", topStatuses.map(([s, n]) => `${s}×${n}`).join("  ")],
    [
      "slowest endpoints",
      [...stats.latency.entries()]
        .map(([k, [n, ms]]): [string, number] => [k, ms / n])
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`)
        .join(", "),
    ],
    [
      "properties applied",
      (["envelope", "unknown-procedure", "batch-over-10", "body-over-64k", "cross-site"] as Rule[])
        .map((r) => `${r} ${stats.applied.get(r) ?? 0}`)
        .join(", ") + " (+ 5xx, answer, stack trace on all)",
    ],
    ["cases with a violation", String(stats.casesWithViolation)],
    ...VIOLATION_KINDS.map((k): [string, string] => [`  ${k}`, String(stats.violations.get(k) ?? 0)]),
    [
      "server stack-trace lines",
      ctx.ownServer
        ? `${ctx.serverStackLines} (of ${ctx.serverLogLines} log lines)${
            ctx.serverStackKinds.size
              ? `: ${[...ctx.serverStackKinds.entries()]
                  .sort((a, b) => b[1] - a[1])
                  .map(([k, n]) => `${k} ×${n}`)
                  .join("; ")}`
              : ""
          }`
        : "not seen (server not started by the fuzzer)",
    ],
    ...(ctx.serverExit ? [["server exited", ctx.serverExit] as [string, string]] : []),
    [
      "duration",
      `${seconds.toFixed(1)} s, ${(stats.cases / Math.max(seconds, 0.001)).toFixed(0)} requests/s (CPU: fuzzer ${ctx.fuzzerCpu.toFixed(1)} s${ctx.serverCpu !== undefined ? `, server ${ctx.serverCpu.toFixed(1)} s` : ""})`,
    ],
    ["result", failed ? "FAIL (exit 1)" : "PASS (exit 0)"],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const line = "─".repeat(72);
  out.push("", line, "Rekey fuzz summary", line);
  for (const [k, v] of rows) out.push(`${pad(k, width)}${v}`);
  out.push(line);
  console.info(out.join("\n"));
  return failed;
}

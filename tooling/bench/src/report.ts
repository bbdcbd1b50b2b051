/** The bench's one table: figures from one run and the ratios the targets are stated in (BENCHMARKS.md). */
import type { LoadResult } from "./cannon";
import type { PageMeasure } from "./page";

export interface Report {
  seconds: number;
  connections: number;
  rows: { name: string; app: LoadResult; next: LoadResult; bare: LoadResult; betterAuth?: LoadResult }[];
  appIdleMiB?: number;
  appPeakMiB?: number;
  argon2PerSecond?: number;
  emailsPerSecondDuringLoad?: number;
  emailsPerSecondAfterLoad?: number;
  resetsUnderLoad?: { resetsPerSecond: number; resetsFailed: number; requestP99: number; verifyP99: number };
  verifyAtMillion?: LoadResult;
  /** Reset requests from one address, past its limit within the first second: how fast refusals go. */
  oneClient?: { app: LoadResult; betterAuth?: LoadResult };
  page?: PageMeasure;
  /** Why the page could not be measured. */
  pageError?: string;
}

const n0 = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? "–" : Math.round(value).toLocaleString("en-US"));
const n1 = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? "–" : value.toFixed(1));
const x2 = (value: number) => `${value.toFixed(2)}×`;
const met = (ok: boolean) => (ok ? "met" : "**missed**");

export function formatReport(report: Report): string {
  const lines = [
    `${report.connections} connections, ${report.seconds} s per run (after 2 s of warm-up), one target at a time; Rekey with its default limits.`,
    "",
    "| case | Rekey rps | p50 / p99 ms | failed | Next floor rps | bare floor rps | Better Auth rps (failed) | Rekey ÷ Next floor | Rekey ÷ bare | Rekey ÷ Better Auth |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const { name, app, next, bare, betterAuth: ba } of report.rows) {
    lines.push(
      `| ${name} | ${n0(app.rps)} | ${n1(app.p50)} / ${n1(app.p99)} | ${app.failed} | ${n0(next.rps)} | ${n0(bare.rps)} | ${ba ? `${n0(ba.rps)} (${ba.failed})` : "–"} | ${x2(app.rps / next.rps)} | ${x2(app.rps / bare.rps)} | ${ba ? x2(app.rps / ba.rps) : "–"} |`,
    );
  }
  const row = (name: string) => report.rows.find((r) => r.name === name);
  const known = row("request, known address")?.app;
  const unknown = row("request, unknown address")?.app;
  const verify = row("verify");
  const reset = row("reset")?.app;
  lines.push("", "| target | measured | |", "|---|---|---|");
  if (known && unknown) {
    const floor = row("request, known address")!.next.rps;
    lines.push(
      `| request (limits on) ≥ 0.85× the Next floor | ${x2(known.rps / floor)} known, ${x2(unknown.rps / floor)} unknown | ${met(Math.min(known.rps, unknown.rps) >= 0.85 * floor)} |`,
    );
    const ba = [row("request, known address")?.betterAuth, row("request, unknown address")?.betterAuth];
    if (ba[0] && ba[1]) {
      const [knownBa, unknownBa] = [known.rps / ba[0].rps, unknown.rps / ba[1].rps];
      lines.push(
        `| request (limits on) ≥ 3× Better Auth | ${x2(knownBa)} known, ${x2(unknownBa)} unknown | ${met(Math.min(knownBa, unknownBa) >= 3)} |`,
      );
    }
    const apart = (a: number, b: number) => Math.abs(a - b) / Math.max(a, b);
    const gap = apart(known.rps, unknown.rps);
    // The Next floor's two cases run the same statements: how far apart they come out is this run's noise.
    const floorGap = apart(row("request, known address")!.next.rps, row("request, unknown address")!.next.rps);
    lines.push(
      `| known and unknown within 10% | ${(gap * 100).toFixed(1)}% apart (the Next floor's two: ${(floorGap * 100).toFixed(1)}%) | ${met(gap <= 0.1)} |`,
    );
  }
  if (verify)
    lines.push(`| verify ≥ 0.85× the Next floor | ${x2(verify.app.rps / verify.next.rps)} | ${met(verify.app.rps >= 0.85 * verify.next.rps)} |`);
  if (verify && report.verifyAtMillion) {
    const slowdown = verify.app.rps / report.verifyAtMillion.rps;
    lines.push(
      `| verify flat from 10³ to 10⁶ links (≤ 1.2×) | ${n0(verify.app.rps)} → ${n0(report.verifyAtMillion.rps)} rps (${x2(slowdown)}), p99 ${n1(report.verifyAtMillion.p99)} ms | ${met(slowdown <= 1.2)} |`,
    );
  }
  if (reset && report.argon2PerSecond) {
    // Each reset runs argon2id twice: is the new password the current one, then the new hash.
    const bound = report.argon2PerSecond / 2;
    lines.push(
      `| reset ≥ 90% of the argon2id bound | ${n1(reset.rps)} resets/s of ${n1(bound)} (${n1(report.argon2PerSecond)} hashes/s ÷ 2 per reset): ${((reset.rps / bound) * 100).toFixed(0)}% | ${met(reset.rps >= 0.9 * bound)} |`,
    );
  }
  const under = report.resetsUnderLoad;
  if (under) {
    lines.push(
      `| p99 ≤ 100 ms during saturating resets | request ${n1(under.requestP99)} ms, verify ${n1(under.verifyP99)} ms (${n1(under.resetsPerSecond)} resets/s beside them) | ${met(Math.max(under.requestP99, under.verifyP99) <= 100)} |`,
    );
  }
  if (report.appIdleMiB !== undefined)
    lines.push(`| RSS idle ≤ 200 MiB (PostgreSQL) | ${n0(report.appIdleMiB)} MiB | ${met(report.appIdleMiB <= 200)} |`);
  if (report.appPeakMiB !== undefined) lines.push(`| RSS peak ≤ 400 MiB | ${n0(report.appPeakMiB)} MiB | ${met(report.appPeakMiB <= 400)} |`);
  if (report.page) {
    lines.push(
      `| reset page first-load JS ≤ 100 KB gzip | ${n1(report.page.jsGzipKB)} KB in ${report.page.scripts} scripts (+${n1(report.page.lateScripts.reduce((sum, f) => sum + f.gzipBytes, 0) / 1024)} KB after load); LCP ${n0(report.page.lcpMs)} ms | ${met(report.page.jsGzipKB <= 100)} |`,
    );
  }
  if (report.pageError) lines.push(`| reset page first-load JS ≤ 100 KB gzip | not measured: ${report.pageError} | |`);
  if (report.emailsPerSecondDuringLoad !== undefined) {
    lines.push(
      "",
      `Email worker: ${n1(report.emailsPerSecondDuringLoad)} emails/s reached the provider during the known-address run, ${n1(report.emailsPerSecondAfterLoad)}/s once it stopped.`,
    );
  }
  if (report.oneClient) {
    const { app, betterAuth: ba } = report.oneClient;
    const refused = (result: LoadResult) => result.statuses["429"] ?? 0;
    lines.push(
      "",
      `One client past its limit (reset requests from one address, 32 connections): Rekey ${n0(app.rps)} answers/s, p99 ${n1(app.p99)} ms, ${n0(refused(app))} of ${n0(app.total)} refused with 429` +
        (ba ? `; Better Auth ${n0(ba.rps)}/s, p99 ${n1(ba.p99)} ms, ${n0(refused(ba))} of ${n0(ba.total)} refused.` : "."),
    );
  }
  return lines.join("\n");
}

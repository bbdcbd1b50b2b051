import { InngestTestEngine } from "@inngest/test";
import { requestPasswordReset } from "@rekey/auth";
import { emailOutbox, eq, type OutboxRow } from "@rekey/db";
import { Inngest, Middleware, type InngestFunction } from "inngest";
import type { JobDeps } from "../deliver";
import { EVENT_FOR_KIND } from "../events";
import { createFunctions } from "../functions";
import { startCaptureServer, type CaptureServer } from "./capture-server";
import { createHarness, fakeClock, META, resendTo, type Harness, type LeakWatch, type TestDatabase } from "./index";

export const EVENT_KEY = "evt_jobs_test_key";

export interface StepErrorRecord {
  stepId: string;
  /** The error instance the step threw, before Inngest serialised it. */
  error: Error;
  /** False when Inngest will run the step again. */
  isFinalAttempt: boolean;
}

/**
 * An Inngest client for function tests: events go to the capture server's `/e/:key` over HTTP (cloud
 * mode, never a real Inngest), SDK logs go to the leak watch, and every step error is recorded as thrown
 * (the test engine only returns a serialised copy, without `retryAfter`).
 */
export function testInngest(server: CaptureServer, watch: LeakWatch): { inngest: Inngest; stepErrors: StepErrorRecord[] } {
  const stepErrors: StepErrorRecord[] = [];
  class RecordStepErrors extends Middleware.BaseMiddleware {
    readonly id = "test:record-step-errors";
    override onStepError(arg: Middleware.OnStepErrorArgs): void {
      stepErrors.push({ stepId: arg.stepInfo.options.id, error: arg.error as Error, isFinalAttempt: arg.isFinalAttempt });
    }
  }
  const inngest = new Inngest({
    id: "rekey-jobs-test",
    baseUrl: server.url,
    eventKey: EVENT_KEY,
    isDev: false,
    logger: watch.anyLogger,
    middleware: [RecordStepErrors],
  });
  return { inngest, stepErrors };
}

/** A new engine per run: `@inngest/test` caches step mocks per engine. */
export function engineFor(fn: InngestFunction.Like, event?: { name: string; data: Record<string, unknown> }): InngestTestEngine {
  return new InngestTestEngine({ function: fn, ...(event ? { events: [event] } : {}) });
}

/** One Inngest function test's world: a capture server, a harness on its fake clock, and the served functions. */
export interface InngestRig {
  server: CaptureServer;
  h: Harness;
  inngest: Inngest;
  stepErrors: StepErrorRecord[];
  /** The functions as served, over `getDeps` (by default the harness's: real transport to the capture server). */
  functions(getDeps?: () => Promise<JobDeps>): Record<"reset" | "changed" | "sweep" | "purge", InngestFunction.Any>;
  resetEvent(outboxId: string): { name: string; data: { outboxId: string } };
  row(id: string): Promise<OutboxRow>;
  /** A reset request for `email` (its account must exist for an email to go out), and its outbox row. */
  requestFor(email: string): Promise<OutboxRow>;
  close(): Promise<void>;
}

export async function startInngestRig(database: TestDatabase, watch: LeakWatch): Promise<InngestRig> {
  const clock = fakeClock();
  const server = await startCaptureServer({ clock });
  watch.track(server);
  const h = createHarness(database.handle, { transport: resendTo(server), logger: watch.logger, clock });
  const { inngest, stepErrors } = testInngest(server, watch);
  const row = async (id: string): Promise<OutboxRow> => (await h.db.select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0]!;
  return {
    server,
    h,
    inngest,
    stepErrors,
    functions(getDeps = async () => h.jobs.deps) {
      const [reset, changed, sweep, purge] = createFunctions(inngest, getDeps);
      return { reset: reset!, changed: changed!, sweep: sweep!, purge: purge! };
    },
    resetEvent: (outboxId) => ({ name: EVENT_FOR_KIND.password_reset.name, data: { outboxId } }),
    row,
    async requestFor(email) {
      await requestPasswordReset(h.deps, { email }, META);
      const rows = await h.db.select().from(emailOutbox).where(eq(emailOutbox.recipient, email));
      return rows.at(-1)!;
    },
    async close() {
      await h.close();
      await server.close();
    },
  };
}

import { InngestTestEngine } from "@inngest/test";
import { Inngest, Middleware, type InngestFunction } from "inngest";
import type { CaptureServer } from "./capture-server";
import type { LeakWatch } from "./index";

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

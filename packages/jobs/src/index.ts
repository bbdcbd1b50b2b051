export { createInngest } from "./client";
export { deliverOutboxRow, type DeliveryOptions, type DeliveryOutcome, type JobDeps } from "./deliver";
export { dispatchToInngest } from "./dispatch";
export { EVENT_FOR_KIND, passwordChanged, passwordResetRequested } from "./events";
export { createFunctions } from "./functions";
export { createMailboxTransport } from "./mailbox-transport";
// The transports delivery sends through, for callers that wire or wrap one (the runtime, test rigs).
export type { SendResult, Transport } from "@rekey/email";
export { claimDue, nextClaimableAt, releaseAllClaims, releaseClaim, renewClaim, type Claim } from "./lease";
export { expireOverdue, markDead, markExpired } from "./outbox";
export { outboxOverview, requeueDead, type OutboxOverview, type OutboxState, type RequeueResult } from "./ops";
export { purgeExpired } from "./purge";
export {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  planRetry,
  RETRY_SCHEDULE_SECONDS,
  sendGuardMs,
  tooLateToSend,
  type RetryPlan,
  type RetryPolicy,
} from "./retry";
export { createJobs, type Jobs, type JobsOptions } from "./setup";
export { directStep, PermanentDeliveryError, RetryableDeliveryError, type StepRunner } from "./step";
export { ThreadedWorker } from "./thread/threaded-worker";
export { EmbeddedWorker, type WorkerOptions } from "./worker";

import type { OutboxNotice } from "@rekey/auth";
import type { Inngest } from "inngest";
import { EVENT_FOR_KIND } from "./events";

/** One event per outbox row; the row id doubles as the event id, so Inngest deduplicates re-sends. */
export async function dispatchToInngest(inngest: Inngest, rows: OutboxNotice[]): Promise<void> {
  await inngest.send(rows.map((row) => EVENT_FOR_KIND[row.kind].create({ outboxId: row.id }, { id: row.id })));
}

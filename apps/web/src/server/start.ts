import "server-only";
import { createFront, type Front } from "@rekey/api";
import { bootRuntime, type Runtime } from "@rekey/runtime";

declare global {
  /**
   * Set by server.mjs before Next starts: whether it runs Next's development server, and where the front
   * goes once the runtime is up, with the lines to print once the port is really listening.
   */
  var __rekeyServe: { dev: boolean; ready: (front: Front, banner: string[]) => void } | undefined;
}

/** What the operator should know at start: where mail goes, and the demo account on a fresh embedded database. */
function bannerFor(runtime: Runtime, demo: Awaited<ReturnType<typeof bootRuntime>>["demo"]): string[] {
  const { config } = runtime;
  const lines: string[] = [];
  if (config.email.transport === "resend") {
    const endpoint = config.email.resendBaseUrl ? ` at ${config.email.resendBaseUrl}` : "";
    lines.push(`Emails are sent through Resend${endpoint} from ${config.email.from}`);
  } else if (config.email.mailboxPage) {
    lines.push(`Emails are kept in the local mailbox: ${config.appUrl}/dev/mailbox (this machine only)`);
  }
  if (runtime.jobs.mode === "inngest") lines.push(`Email jobs run on Inngest; functions are served at ${config.appUrl}/api/inngest`);
  // Printed once, on an empty embedded database only, so a newcomer can try the product.
  if (demo) lines.push(`Demo account: ${demo.email} (username "${demo.username}"), password: ${demo.password}`);
  return lines;
}

/** Boots the process-wide runtime and hands the HTTP front to server.mjs, which listens and prints the banner. */
export async function startServer(): Promise<void> {
  try {
    const { runtime, demo } = await bootRuntime();
    const serve = globalThis.__rekeyServe;
    serve?.ready(createFront(runtime, { dev: serve.dev }), bannerFor(runtime, demo));
  } catch (error) {
    process.stderr.write(`\nRekey cannot start: ${error instanceof Error ? error.message : String(error)}\n\n`);
    process.exit(1);
  }
}

import "server-only";
import { createFront, type Front } from "@rekey/api";
import { bootRuntime } from "@rekey/runtime";

declare global {
  /** Set by server.mjs before Next starts: whether it runs Next's development server, and where the front goes once the runtime is up. */
  var __rekeyServe: { dev: boolean; ready: (front: Front) => void } | undefined;
}

/** Boots the process-wide runtime, hands the HTTP front to server.mjs, and tells the operator what runs. */
export async function startServer(): Promise<void> {
  try {
    const { runtime, demo } = await bootRuntime();
    const { config } = runtime;
    const serve = globalThis.__rekeyServe;
    serve?.ready(createFront(runtime, { dev: serve.dev }));
    if (demo) {
      // Printed once, on an empty embedded database only, so a newcomer can try the product.
      process.stdout.write(
        `\n  Demo account created: ${demo.email} (username "${demo.username}"), password: ${demo.password}\n` +
          `  Reset emails land in ${config.appUrl}/dev/mailbox\n\n`,
      );
    }
  } catch (error) {
    process.stderr.write(`\nRekey cannot start: ${error instanceof Error ? error.message : String(error)}\n\n`);
    process.exit(1);
  }
}

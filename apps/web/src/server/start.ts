import "server-only";
import { bootRuntime } from "@rekey/api/runtime";

/** Boots the process-wide runtime and tells the operator what it is running on. */
export async function startServer(): Promise<void> {
  try {
    const { runtime, demo } = await bootRuntime();
    const { config } = runtime;
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

/**
 * Runs once per server process before it serves requests: opens the database (applying migrations),
 * validates configuration (a bad value stops start-up), and in the embedded default creates the demo account.
 */
export async function register(): Promise<void> {
  // Not configuration: Next replaces NEXT_RUNTIME at build time, so the edge bundle drops the import below.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./server/start");
  await startServer();
}

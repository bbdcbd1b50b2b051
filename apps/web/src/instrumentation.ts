/**
 * Runs once per server process before it serves requests: opens the database (applying migrations),
 * validates configuration (a bad value stops start-up), and in the embedded default creates the demo account.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./server/start");
  await startServer();
}

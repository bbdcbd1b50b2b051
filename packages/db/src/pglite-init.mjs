// @ts-check
// Creates an embedded database directory (initdb) and exits: run as a child process by pglite.ts, because
// initdb starts a second PGlite instance whose memory (about 430 MiB) a process never gets back.
// Usage: node pglite-init.mjs <directory> <start parameters as JSON>
import { PGlite } from "@electric-sql/pglite";

const [dir, params] = process.argv.slice(2);
if (!dir || !params) {
  console.error("usage: node pglite-init.mjs <directory> <start parameters as JSON>");
  process.exit(2);
}
const pglite = await PGlite.create(dir, { startParams: JSON.parse(params) });
await pglite.close();

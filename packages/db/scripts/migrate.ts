// `pnpm db:migrate`: applies pending migrations to DATABASE_URL (or the embedded data directory) and exits.
import { openDatabase } from "../src/client";

const url = process.env.DATABASE_URL || undefined;
const handle = await openDatabase({ url, dataDir: process.env.DATA_DIR ?? "../../.data", migrate: true });
await handle.close();
console.log(`Migrations applied (${url ? "PostgreSQL" : "embedded PGlite"}).`);

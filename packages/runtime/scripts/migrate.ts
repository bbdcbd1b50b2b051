// `pnpm db:migrate`: applies pending migrations to DATABASE_URL (or the embedded data directory) and exits.
// One line on failure, naming what went wrong, rather than a stack trace.
import { loadConfig } from "@rekey/config";
import { applyLocationDefaults } from "@rekey/config/launch";
import { openDatabase } from "@rekey/db";

applyLocationDefaults();
try {
  const config = loadConfig();
  const handle = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    migrate: true,
    migrationsDir: config.paths.migrationsDir,
  });
  await handle.close();
  console.info(`Migrations applied (${config.embedded ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL"}).`);
} catch (error) {
  console.error(`\nMigrations not applied: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1); // a connection that never answered would keep the process alive
}

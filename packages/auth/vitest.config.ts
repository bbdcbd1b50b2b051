import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Creating a PostgreSQL database (and the migrated PGlite template) takes seconds.
    hookTimeout: 60_000,
    // Files share one module cache per worker, so @rekey/db/testing migrates its PGlite template once per
    // run instead of once per file. Suites open and close their own databases and keep no global state.
    isolate: false,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files share one module cache per worker, so the migrated PGlite template (`@rekey/db/testing`, ~4 s
    // to create) is built once per run instead of once per file. Every suite opens and closes its own
    // databases and keeps no state between files.
    isolate: false,
  },
});

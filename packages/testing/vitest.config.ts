import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Creating a PostgreSQL database and migrating it, or the PGlite template, takes seconds.
    hookTimeout: 60_000,
  },
});

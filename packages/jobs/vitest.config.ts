import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The suites share module state on purpose: @rekey/db/testing migrates one PGlite template per module
    // instance (seconds of CPU), and every file clones it. Test files keep no global state of their own.
    isolate: false,
  },
});

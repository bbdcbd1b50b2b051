// @ts-check
// Plain JavaScript: a next.config.ts is compiled (loading SWC's native binding, ~24 MiB) at every start.
// Security headers (CSP with a per-request nonce, HSTS, nosniff, frame and referrer policies) are set by the
// app's HTTP front (packages/api/src/http/front.ts) for every answer, so they live in one place.

/** @type {import("next").NextConfig} */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ["@rekey/api", "@rekey/auth", "@rekey/config", "@rekey/db", "@rekey/runtime", "@rekey/validators"],
  // Native or WASM packages that must be loaded from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pino", "postgres"],
  // Pages and routes load on their first request, not all at start (the Inngest route and its SDK only
  // matter in Inngest mode). The first page costs about the same either way (~0.5 s here, rendering warm-up).
  experimental: { preloadEntriesOnStart: false },
};

export default config;

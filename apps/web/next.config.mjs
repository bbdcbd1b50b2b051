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
};

export default config;

// @ts-check
/** @type {import("next").NextConfig} */
const config = {
  poweredByHeader: false,
  // The same native packages the app keeps external (apps/web/next.config).
  serverExternalPackages: ["@node-rs/argon2", "postgres"],
};

export default config;

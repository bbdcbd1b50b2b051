// The composition root: configuration, database, logger, email transport and delivery wired once per
// process. The app boots it; the API's context and the integration tests take what it builds.
export { bootRuntime, createRuntime, getRuntime, type Runtime, type RuntimeOptions } from "./runtime";
export { createLogger } from "./logger";

// The package's public surface: what the app mounts and what its pages import. Everything else is internal.
export type { AppRouter } from "./root";
export { createFront, type Front, type FrontOptions } from "./http/front";
export type { ServeOptions } from "./http/lifecycle";
export { listMailbox } from "./mailbox";

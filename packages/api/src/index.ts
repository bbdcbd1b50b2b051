export { appRouter, createCaller, type AppRouter } from "./root";
export { createContext, type ApiContext, type Transport } from "./context";
export { clientIp, REMOTE_ADDR_HEADER } from "./client-ip";
export { LOCALE_COOKIE } from "./locale";
export { describeError } from "./errors";
export { healthResponse } from "./health";
export { listMailbox, mayReadMailbox } from "./mailbox";
export { createFront, type Front, type FrontOptions } from "./http/front";

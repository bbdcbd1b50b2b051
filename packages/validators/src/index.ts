import "./jitless";

export * from "./auth";
export * from "./errors";
export * from "./locale";
export * from "./messages";

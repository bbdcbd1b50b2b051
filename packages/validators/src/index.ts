import "./jitless";

export * from "./auth";
export * from "./email-kinds";
export * from "./errors";
export * from "./locale";
export * from "./messages";
export * from "./password";

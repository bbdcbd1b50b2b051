export * from "./client";
export * from "./schema";
export { DataDirInUseError } from "./dir-lock";
export { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";

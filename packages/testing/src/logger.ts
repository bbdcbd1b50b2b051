/** The logger shape the services take (pino-style: fields first, then the message). */
export interface TestLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** One call to a {@link CapturingLogger}. */
export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  fields: object;
  message?: string;
}

/** A logger that keeps every call, to assert what an operator would read in the logs. */
export interface CapturingLogger extends TestLogger {
  readonly entries: LogEntry[];
  /**
   * Every entry as one JSON line, the way a JSON logger writes it (errors keep name, message, stack and
   * cause): search these for secrets that must never be logged.
   */
  lines(): string[];
}

/** A logger that drops everything. */
export function silentLogger(): TestLogger {
  const drop = (): void => {};
  return { debug: drop, info: drop, warn: drop, error: drop };
}

/** A new, empty {@link CapturingLogger}. */
export function capturingLogger(): CapturingLogger {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry["level"]) =>
    (fields: object, message?: string): void =>
      void entries.push(message === undefined ? { level, fields } : { level, fields, message });
  return {
    entries,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    lines: () =>
      entries.map((entry) =>
        JSON.stringify(entry, (_key, value: unknown) =>
          value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause } : value,
        ),
      ),
  };
}

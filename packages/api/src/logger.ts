import type { Logger } from "@rekey/auth";
import pino from "pino";

/**
 * JSON logs on stdout. Never log a token, password or key; the redaction list is a second line of
 * defence for fields that should never be there.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
    level,
    base: { app: "rekey" },
    redact: {
      paths: ["password", "new_password", "token", "*.password", "*.new_password", "*.token", "authorization", "*.authorization", "cookie", "*.cookie"],
      censor: "[redacted]",
    },
  },
    destination,
  );
}

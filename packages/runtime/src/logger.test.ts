import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { sql, users } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { describe, expect, it } from "vitest";
import { createLogger, serializeError } from "./logger";

const targets = await testDatabases();
/** A fresh database (and, the first time, the migrated PGlite template) can take long on a busy machine. */
const DB_TIMEOUT = 120_000;

function capture(level = "debug") {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger(level, sink);
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, logger, parsed };
}

const token = randomBytes(32).toString("base64url");

describe("createLogger: named secret fields", () => {
  it("redacts passwords, tokens, captcha, secrets, keys, authorization and cookies, a few levels down", () => {
    const { lines, logger } = capture("info");
    logger.info(
      {
        password: "p-a-s-s-1",
        new_password: "p-a-s-s-2",
        token: "t-o-k-e-n-1",
        captcha: "c-a-p-t-c-h-a-1",
        secret: "s-e-c-r-e-t-1",
        apiKey: "k-e-y-1",
        authorization: "Bearer b-e-a-r-e-r-1",
        cookie: "rekey_session=c-o-o-k-i-e-1",
        input: { password: "p-a-s-s-3", new_password: "p-a-s-s-4", token: "t-o-k-e-n-2", code: "c-o-d-e-1", captcha: "c-a-p-t-c-h-a-2" },
        headers: { authorization: "Bearer b-e-a-r-e-r-2", cookie: "rekey_session=c-o-o-k-i-e-2", "set-cookie": "c-o-o-k-i-e-3" },
        req: { headers: { authorization: "b-e-a-r-e-r-3", cookie: "c-o-o-k-i-e-4" }, body: { code: "c-o-d-e-2" } },
        deep: { a: { b: { password: "p-a-s-s-5", api_key: "k-e-y-2" } } },
        kept: "visible",
      },
      "with secrets",
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("visible");
    expect(lines[0]).toContain("[redacted]");
    expect(lines[0]).not.toMatch(/p-a-s-s|t-o-k-e-n|b-e-a-r-e-r|c-o-o-k-i-e|c-a-p-t-c-h-a|s-e-c-r-e-t|k-e-y|c-o-d-e/);
  });

  it("writes nothing below its level", () => {
    const { lines, logger } = capture("warn");
    logger.info({ a: 1 }, "quiet");
    expect(lines).toEqual([]);
  });
});

describe("createLogger: every string scrubbed", () => {
  it("scrubs string values at any depth, and the message, without touching the caller's object", () => {
    const { logger, parsed } = capture();
    const fields = {
      link: `http://rekey.test/reset-password?token=${token}`,
      nested: { list: [`Bearer ${token}`, "plain"] },
      id: "90ef5a99-9556-4e60-a932-d9fa727b384c",
    };
    logger.info(fields, `sent http://rekey.test/secure-account?token=${token}`);
    const [line] = parsed();
    expect(JSON.stringify(line)).not.toContain(token);
    expect(line).toMatchObject({
      msg: "sent http://rekey.test/secure-account?[redacted]",
      link: "http://rekey.test/reset-password?[redacted]",
      nested: { list: ["Bearer [redacted]", "plain"] },
      id: "90ef5a99-9556-4e60-a932-d9fa727b384c",
    });
    expect(fields.link).toContain(token);
  });

  it("scrubs URL objects (serialised with their query string) and bounds what is too deep", () => {
    const { logger, parsed } = capture();
    let deep: Record<string, unknown> = { value: token };
    for (let i = 0; i < 10; i += 1) deep = { deep };
    logger.info({ url: new URL(`http://rekey.test/x?token=${token}`), deep }, "objects");
    const text = JSON.stringify(parsed()[0]);
    expect(text).not.toContain(token);
    expect(text).toContain("[too deep]");
  });
});

describe.each(targets)("createLogger: real $name database errors", (target) => {
  /** A failed insert whose parameters and failing row hold `token`. */
  async function failedInsert(): Promise<unknown> {
    const handle = await target.create();
    try {
      await handle.db.execute(sql`alter table users add constraint no_rows check (false) not valid`);
      await handle.db.insert(users).values({ email: "e@example.com", username: "u", passwordHash: `h-${token}` });
    } catch (error) {
      return error;
    } finally {
      await handle.close();
    }
    throw new Error("expected the insert to fail");
  }

  it("{ err } is logged by SQLSTATE and message only: no query, parameters, row or stack", { timeout: DB_TIMEOUT }, async () => {
    const error = await failedInsert();
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error)) + String(error)).toContain(token);
    const { logger, parsed } = capture();
    logger.error({ err: error, context: { cause: (error as Error).cause } }, "job failed");
    logger.error({ err: error });
    (logger as unknown as { error(e: unknown): void }).error(error);
    logger.error({ error: new Error("wrapped", { cause: error }) }, "wrapped");
    const lines = parsed();
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const text = JSON.stringify(line);
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/params:|Failing row|insert into|e@example\.com/);
    }
    const message = 'new row for relation "users" violates check constraint "no_rows"';
    expect(lines[0]).toMatchObject({ msg: "job failed", err: { name: "DrizzleQueryError", code: "23514", message, database: true } });
    expect(lines[0]!.err).not.toHaveProperty("stack");
    expect(lines[0]!.context).toMatchObject({ cause: { code: "23514", message } });
    // Without a message of its own, the line's message is the error's safe message, not drizzle's.
    expect(lines[1]).toMatchObject({ msg: message, err: { code: "23514" } });
    expect(lines[2]).toMatchObject({ msg: message, err: { code: "23514" } });
    expect(lines[3]).toMatchObject({ error: { code: "23514", message } });
  });

  it("an error copied into a plain object (`{ name, message, stack }`) is treated the same way", { timeout: DB_TIMEOUT }, async () => {
    const error = (await failedInsert()) as Error;
    const { logger, parsed } = capture();
    logger.error({ err: { name: error.name, message: error.message, stack: error.stack } }, "copied");
    const text = JSON.stringify(parsed()[0]);
    expect(text).not.toContain(token);
    expect(text).not.toMatch(/params:|Failing row/);
  });
});

describe("serializeError", () => {
  it("keeps name, symbolic code, message and cause of other errors", () => {
    const error = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    expect(serializeError(error)).toMatchObject({
      name: "TypeError",
      message: "fetch failed",
      cause: { code: "ECONNREFUSED" },
      stack: expect.stringMatching(/^TypeError: fetch failed\n {4}at /),
    });
  });

  it("scrubs strings and passes other values through", () => {
    expect(serializeError(`failed: Bearer ${token}`)).toBe("failed: Bearer [redacted]");
    expect(serializeError(42)).toBe(42);
  });
});

describe("serializeError: stack frames", () => {
  it("never takes a line of the message for a frame, even one that looks like one", () => {
    const error = new Error(`Failed query: insert into t values ($1)\nparams: x\n    at http://rekey.test/${token}`);
    const serialized = serializeError(error) as { stack: string; message: string };
    expect(serialized.stack).not.toContain("rekey.test");
    const header = `Error: ${serialized.message}`;
    expect(serialized.stack.startsWith(`${header}\n`)).toBe(true);
    expect(
      serialized.stack
        .slice(header.length + 1)
        .split("\n")
        .every((line) => /^ {4}at /.test(line)),
    ).toBe(true);
  });
});

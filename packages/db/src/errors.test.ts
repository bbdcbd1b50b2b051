import { randomBytes, createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { safeErrorText, scrubSecrets, summarizeError, sql, users, type DatabaseHandle } from "./index";
import { testDatabases } from "./testing";

const targets = await testDatabases();
/** A fresh database (and, the first time, the migrated PGlite template) can take long on a busy machine. */
const DB_TIMEOUT = 120_000;

/** Runs `fn`, which must throw, and returns what it threw. */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

/** Every field a driver error carries, as text: what a careless `JSON.stringify` or `String` would log. */
function everything(error: unknown): string {
  const seen: unknown[] = [];
  const walk = (value: unknown): string =>
    typeof value === "object" && value !== null && !seen.includes(value)
      ? (seen.push(value),
        Object.getOwnPropertyNames(value)
          .map((k) => `${k}=${walk((value as Record<string, unknown>)[k])}`)
          .join(" "))
      : String(value);
  return walk(error);
}

/** The driver's own client under drizzle, to produce errors that drizzle did not wrap. */
function rawQuery(handle: DatabaseHandle, text: string, params: string[]): Promise<unknown> {
  type Run = (text: string, params: string[]) => Promise<unknown>;
  const client = (handle.db as unknown as { $client: { query?: Run; unsafe?: Run } }).$client;
  return handle.driver === "pglite" ? client.query!(text, params) : client.unsafe!(text, params);
}

describe.each(targets)("summarizeError with real $name errors", (target) => {
  const token = randomBytes(32).toString("base64url");
  const hash = createHash("sha256").update(token).digest("hex");
  const email = `victim-${randomBytes(3).toString("hex")}@example.com`;
  const insertUser = (handle: DatabaseHandle) =>
    handle.db.insert(users).values({ email, username: `u_${token.slice(0, 8)}`, passwordHash: `$argon2id$${token}` });

  it("a CHECK violation through drizzle: SQLSTATE and message only, no row, no parameters", { timeout: DB_TIMEOUT }, async () => {
    const handle = await target.create();
    try {
      await handle.db.execute(sql`alter table users add constraint no_rows check (false) not valid`);
      const error = await thrown(() => insertUser(handle));
      // Not vacuous: the raw error does carry the secret, in its message, detail and parameters.
      expect(everything(error)).toContain(token);
      expect(everything(error)).toContain("Failing row contains");

      const summary = summarizeError(error);
      expect(summary).toEqual({
        name: "DrizzleQueryError",
        code: "23514",
        message: 'new row for relation "users" violates check constraint "no_rows"',
        database: true,
      });
      const text = safeErrorText(error);
      expect(text).toBe('DrizzleQueryError [23514]: new row for relation "users" violates check constraint "no_rows"');
      for (const out of [JSON.stringify(summary), text]) {
        expect(out).not.toContain(token.slice(0, 8));
        expect(out).not.toContain(email);
        expect(out).not.toMatch(/params:|Failing row|insert into/i);
      }
    } finally {
      await handle.close();
    }
  });

  it("a unique violation: the duplicate key's value (in `detail`) stays out", { timeout: DB_TIMEOUT }, async () => {
    const handle = await target.create();
    try {
      await insertUser(handle);
      const error = await thrown(() => insertUser(handle));
      expect(everything(error)).toContain(`=(${email}) already exists`);
      const summary = summarizeError(error);
      expect(summary.code).toBe("23505");
      expect(JSON.stringify(summary)).not.toContain(email);
    } finally {
      await handle.close();
    }
  });

  it("a data exception quotes the bad value in its message: the value is removed", { timeout: DB_TIMEOUT }, async () => {
    const handle = await target.create();
    try {
      const error = await thrown(() => handle.db.execute(sql`select ${`x${hash}`}::uuid`));
      expect(everything(error)).toContain(hash);
      const summary = summarizeError(error);
      expect(summary).toMatchObject({ code: "22P02", message: 'invalid input syntax for type uuid: "[redacted]"' });
    } finally {
      await handle.close();
    }
  });

  it("the driver's own error (not wrapped by drizzle): code and message, never detail or parameters", { timeout: DB_TIMEOUT }, async () => {
    const handle = await target.create();
    try {
      await handle.db.execute(sql`alter table users add constraint no_rows check (false) not valid`);
      const error = await thrown(() =>
        rawQuery(handle, "insert into users (email, username, password_hash) values ($1, $2, $3)", [email, "raw", hash]),
      );
      expect(everything(error)).toContain(hash);
      const summary = summarizeError(error);
      expect(summary).toEqual({
        name: target.name === "postgres" ? "PostgresError" : "DatabaseError",
        code: "23514",
        message: 'new row for relation "users" violates check constraint "no_rows"',
        database: true,
      });
      // Wrapped once more (a TRPCError, a job error): the database error inside still decides.
      expect(summarizeError(new Error(String(error), { cause: error })).code).toBe("23514");
    } finally {
      await handle.close();
    }
  });

  it("a closed database: a short connection error, no SQL parameters", { timeout: DB_TIMEOUT }, async () => {
    const handle = await target.create();
    await handle.close();
    const error = await thrown(() =>
      handle.db
        .select()
        .from(users)
        .where(sql`${users.email} = ${email}`),
    );
    expect(everything(error)).toContain(email);
    const summary = summarizeError(error);
    expect(summary.name).toBe("DrizzleQueryError");
    if (target.name === "postgres") expect(summary.code).toBe("CONNECTION_ENDED");
    else expect(summary.message).toBe("PGlite is closed");
    expect(JSON.stringify(summary)).not.toContain(email);
  });
});

describe("summarizeError on other values", () => {
  it("gives name, symbolic code and message, with the cause chain", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const error = new TypeError("fetch failed", { cause });
    expect(summarizeError(error)).toEqual({
      name: "TypeError",
      message: "fetch failed",
      cause: { name: "Error", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:5432" },
    });
  });

  it("scrubs messages and accepts non-errors", () => {
    const token = randomBytes(32).toString("base64url");
    expect(summarizeError(new Error(`bad link http://x.test/reset?token=${token}`)).message).toBe("bad link http://x.test/reset?[redacted]");
    expect(summarizeError(`thrown ${token}`)).toEqual({ name: "string", message: "thrown [redacted]" });
    expect(summarizeError(undefined)).toEqual({ name: "undefined", message: "undefined" });
  });
});

describe("scrubSecrets", () => {
  const token = randomBytes(32).toString("base64url");

  it.each([
    [`see https://app.test/reset-password?token=${token}&x=1 now`, "see https://app.test/reset-password?[redacted] now"],
    [`open /secure-account?token=${token}`, "open /secure-account?token=[redacted]"],
    [`https://app.test/cb#access_token=${token}`, "https://app.test/cb?[redacted]"],
    [`Authorization: Bearer ${token}`, "Authorization: [redacted]"],
    [`got bearer abc.def`, "got bearer [redacted]"],
    [`password=hunter2 new_password: "two words" apiKey=re_abc`, `password=[redacted] new_password: [redacted] apiKey=[redacted]`],
    [`{"password":"x","code":"1"}`, `{"password":[redacted],"code":"1"}`],
    [`code=12345678&other`, `code=[redacted]&other`],
    [`postgres://app:s3cret@db:5432/x`, `postgres://app:[redacted]@db:5432/x`],
    [`hash ${"ab12".repeat(16)} end`, "hash [redacted] end"],
    [`session ${token}`, "session [redacted]"],
    [`base64 ${Buffer.from(randomBytes(60)).toString("base64")}`, "base64 [redacted]"],
    [`Failed query: insert into t (a) values ($1)\nparams: ${token},x`, "Failed query: insert into t (a) values ($1)\n[parameters removed]"],
    [`oops. Failing row contains (1, ${token}).`, "oops. [row removed]"],
    ["Key (lower(email))=(a@b.c) already exists.", "Key (lower(email))=([redacted])"],
  ])("%s", (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });

  it("keeps ids, constant names, paths and ordinary text readable", () => {
    const keep = [
      "outbox row 90ef5a99-9556-4e60-a932-d9fa727b384c failed",
      "PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL must be 0 or 1",
      "    at EmbeddedWorker.process (file:///work/main/packages/jobs/src/worker.ts:135:20)",
      "/work/main/node_modules/.pnpm/postgres@3.4.9/node_modules/postgres/src/connection.js",
      'new row for relation "mailbox_messages" violates check constraint "no_mail"',
      "write CONNECTION_ENDED 127.0.0.1:5432",
    ];
    for (const text of keep) expect(scrubSecrets(text, 1000)).toBe(text);
  });

  it("bounds the length, and never leaves the start of a secret at a cut", () => {
    const long = `${"x ".repeat(2000)}${token}`;
    expect(scrubSecrets(long).length).toBeLessThanOrEqual(501);
    // A long secret shrinks to "[redacted]", so text from beyond the work window could reach the output.
    // scrubSecrets(…, 500) works on the first 1000 characters: the token straddles that cut.
    const shrinking = "ab12".repeat(225);
    for (let pad = 40; pad < 100; pad += 3) {
      const text = `${shrinking} ${" ".repeat(pad)}${token}${" z".repeat(1000)}`;
      expect(scrubSecrets(text, 500)).not.toContain(token.slice(0, 6));
    }
  });
});

import { mintResetLink } from "@rekey/auth";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, type TestRuntime } from "../../../testing";
import {
  createUser,
  failureOf,
  mintToken,
  nextIp,
  outboxRows,
  RELAXED_LIMITS,
  startRest,
  unique,
  type RestClient,
  runtimeFor,
} from "../../../testing/flows";

const targets = await testDatabases();

// The fake clock starts at 2026-01-15T08:00:00Z; a 600 s link expires at 08:10 UTC, 16:10 in Shanghai.
const EXPIRY = { expire_time: "2026-01-15 16:10:00", expire_at: "2026-01-15T16:10:00+08:00" };
const SENT_MSG = "重置链接已发送到您的邮箱，10分钟内有效";

describe.each(targets)("passwordReset.request on $name", (target) => {
  let t: TestRuntime;
  let rest: RestClient;
  beforeAll(async () => {
    t = await runtimeFor(target, { RATE_LIMITS: RELAXED_LIMITS });
    rest = await startRest(t.runtime);
  });
  afterAll(async () => {
    await rest?.close();
    await t?.close();
  });

  it("through tRPC returns only the expiry, in APP_TIMEZONE and as ISO with offset, and queues one email", async () => {
    const user = await createUser(t.runtime);
    const data = await callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.request({ email: user.email });
    expect(data).toEqual(EXPIRY);
    expect(new Date(data.expire_at).getTime()).toBe(t.clock().getTime() + 600_000);
    const rows = await outboxRows(t.runtime, "password_reset", user.email);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).not.toHaveProperty("token");
  });

  it("through REST answers 200 with the seed's message and no token anywhere in the response", async () => {
    const user = await createUser(t.runtime);
    const res = await rest.post("requestPasswordReset", { email: user.email });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ code: 200, msg: SENT_MSG, data: EXPIRY });
    expect(res.text).not.toMatch(/token/i);

    // The link the email job mints for this request appears nowhere in what the client got.
    const [row] = await outboxRows(t.runtime, "password_reset", user.email);
    const token = await mintToken(t.runtime, row!.id);
    expect(res.text).not.toContain(token);
    res.headers.forEach((value) => expect(value).not.toContain(token));
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("normalises the address: case and spaces reach the same account", async () => {
    const user = await createUser(t.runtime);
    const res = await rest.post("requestPasswordReset", { email: `  ${user.email.toUpperCase()} ` });
    expect(res.status).toBe(200);
    const [row] = await outboxRows(t.runtime, "password_reset", user.email);
    const minted = await mintResetLink(t.runtime.deps, row!.id);
    expect(minted).toMatchObject({ status: "send", user: { id: user.id } });
  });

  it("answers an unknown address with the same status and byte-identical body, and does the same work", async () => {
    const known = await createUser(t.runtime);
    const unknownEmail = `${unique("ghost")}@example.com`;
    const a = await rest.post("requestPasswordReset", { email: known.email });
    const b = await rest.post("requestPasswordReset", { email: unknownEmail });
    expect(b.status).toBe(a.status);
    expect(b.text).toBe(a.text);
    const headerNames = (h: Headers) => [...h.keys()].filter((k) => k !== "date").sort();
    expect(headerNames(b.headers)).toEqual(headerNames(a.headers));

    // One queued row each; only the job finds out there is no account, and then sends nothing.
    const [unknownRow] = await outboxRows(t.runtime, "password_reset", unknownEmail);
    expect(unknownRow).toBeDefined();
    await expect(mintResetLink(t.runtime.deps, unknownRow!.id)).resolves.toEqual({ status: "skip", reason: "unknown_email" });

    const viaTrpc = await callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.request({ email: `${unique("ghost")}@example.com` });
    expect(viaTrpc).toEqual(EXPIRY);
  });

  it("answers in English with Accept-Language: en", async () => {
    const res = await rest.post("requestPasswordReset", { email: `${unique("en")}@example.com` }, { "accept-language": "en" });
    expect(res.body).toEqual({ code: 200, msg: "A reset link has been sent to your email, valid for 10 minutes", data: EXPIRY });
  });

  it("refuses bad input with 501 and queues nothing", async () => {
    const before = (await outboxRows(t.runtime, "password_reset")).length;
    const res = await rest.post("requestPasswordReset", { email: "nobody-at-example.com" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 501, msg: "参数错误", data: { issues: [expect.objectContaining({ path: "email" })] } });
    const failure = await failureOf(callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.request({ email: "x" }));
    expect(failure).toMatchObject({ trpcCode: "BAD_REQUEST", domainCode: "PARAM_ERROR" });
    expect(await outboxRows(t.runtime, "password_reset")).toHaveLength(before);
  });
});

describe.each(targets)("passwordReset.request settings on $name", (target) => {
  it("follows PASSWORD_RESET_TTL_SECONDS and APP_TIMEZONE; PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL=1 restores the seed's 404", async () => {
    const t = await runtimeFor(target, {
      PASSWORD_RESET_TTL_SECONDS: "1800",
      APP_TIMEZONE: "UTC",
      PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL: "1",
    });
    const rest = await startRest(t.runtime);
    try {
      const user = await createUser(t.runtime);
      const zh = await rest.post("requestPasswordReset", { email: user.email });
      expect(zh.status).toBe(200);
      expect(zh.body).toEqual({
        code: 200,
        msg: "重置链接已发送到您的邮箱，30分钟内有效",
        data: { expire_time: "2026-01-15 08:30:00", expire_at: "2026-01-15T08:30:00+00:00" },
      });
      const en = await rest.post("requestPasswordReset", { email: user.email }, { "accept-language": "en" });
      expect(en.body.msg).toBe("A reset link has been sent to your email, valid for 30 minutes");

      // The minted link lives exactly as long as promised.
      const [row] = await outboxRows(t.runtime, "password_reset", user.email);
      const minted = await mintResetLink(t.runtime.deps, row!.id);
      expect(minted.status === "send" && minted.expiresAt.toISOString()).toBe("2026-01-15T08:30:00.000Z");

      // Reveal mode: an unknown address is told so, and nothing is queued for it.
      const unknown = await rest.post("requestPasswordReset", { email: "stranger@example.com" });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ code: 404, msg: "该邮箱未注册", data: null });
      const unknownEn = await rest.post("requestPasswordReset", { email: "stranger@example.com" }, { "accept-language": "en" });
      expect(unknownEn.body).toEqual({ code: 404, msg: "This email address is not registered", data: null });
      const failure = await failureOf(callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.request({ email: "stranger@example.com" }));
      expect(failure).toMatchObject({ trpcCode: "NOT_FOUND", domainCode: "EMAIL_NOT_REGISTERED", message: "该邮箱未注册" });
      expect(await outboxRows(t.runtime, "password_reset", "stranger@example.com")).toHaveLength(0);
    } finally {
      await rest.close();
      await t.close();
    }
  });
});

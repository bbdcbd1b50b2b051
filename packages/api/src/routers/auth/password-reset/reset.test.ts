import { randomUUID } from "node:crypto";
import { randomToken, sha256Hex } from "@rekey/auth";
import { eq, passwordResetTokens } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, type TestRuntime } from "../../../testing";
import {
  createUser,
  failureOf,
  mintToken,
  NEW_PASSWORD,
  nextIp,
  outboxRows,
  RELAXED_LIMITS,
  requestReset,
  resetTokenFor,
  sessionCookie,
  startRest,
  type RestClient,
  runtimeFor,
} from "../../../testing/flows";

const targets = await testDatabases();

const INVALID = { code: 400, msg: "令牌无效", data: null };

describe.each(targets)("passwordReset.reset on $name", (target) => {
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

  it("sets the new password: 200 密码重置成功，请使用新密码登录 with data null", async () => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    const res = await rest.post("resetPassword", { token, new_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ code: 200, msg: "密码重置成功，请使用新密码登录", data: null });
    expect(res.text).not.toContain(token);

    const other = await createUser(t.runtime);
    const viaTrpc = await callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.reset({
      token: await resetTokenFor(t.runtime, other.email),
      new_password: NEW_PASSWORD,
    });
    expect(viaTrpc).toBeNull();
    const en = await rest.post(
      "resetPassword",
      { token: await resetTokenFor(t.runtime, (await createUser(t.runtime)).email), new_password: NEW_PASSWORD },
      { "accept-language": "en" },
    );
    expect(en.body).toEqual({ code: 200, msg: "Password reset, please sign in with your new password", data: null });
  });

  it.each([
    ["too short", "Ab3-x", "PASSWORD_TOO_SHORT", "密码长度不能少于6位", "The password must be at least 6 characters long"],
    ["too long", `${"Zq7-".repeat(32)}x`, "PASSWORD_TOO_LONG", "密码长度不能超过128位", "The password must be at most 128 characters long"],
    [
      "too common",
      "password1",
      "PASSWORD_TOO_COMMON",
      "密码过于常见，请换一个更难猜的密码",
      "This password is too common, please choose one that is harder to guess",
    ],
    [
      "too common in capitals",
      "PASSWORD1",
      "PASSWORD_TOO_COMMON",
      "密码过于常见，请换一个更难猜的密码",
      "This password is too common, please choose one that is harder to guess",
    ],
    ["the current password", "__current__", "PASSWORD_UNCHANGED", "新密码不能与当前密码相同", "The new password must differ from the current one"],
  ])("refuses a new password that is %s with 501 and its own message, and leaves the token usable", async (_label, candidate, code, zh, en) => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    const new_password = candidate === "__current__" ? user.password : candidate;

    const res = await rest.post("resetPassword", { token, new_password });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 501, msg: zh, data: null });
    expect((await rest.post("resetPassword", { token, new_password }, { "accept-language": "en" })).body.msg).toBe(en);
    const failure = await failureOf(callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.reset({ token, new_password }));
    expect(failure).toMatchObject({ trpcCode: "BAD_REQUEST", domainCode: code, message: zh });

    // The old password still works, and the same link can be used with a better password.
    expect((await rest.post("login", { account: user.email, password: user.password })).status).toBe(200);
    expect((await rest.post("resetPassword", { token, new_password: NEW_PASSWORD })).status).toBe(200);
  });

  it("after a reset: old password fails, new one works, every session ends, one notification is queued", async () => {
    const user = await createUser(t.runtime);

    const web = callerFor(t.runtime, { transport: "web", ip: nextIp() });
    const signedIn = await web.auth.signIn({ account: user.username, password: user.password });
    expect(signedIn.token).toBeUndefined();
    const cookie = sessionCookie(web.resHeaders);
    const webMe = () => callerFor(t.runtime, { transport: "web", ip: nextIp(), headers: { cookie } }).auth.me();
    await expect(webMe()).resolves.toMatchObject({ id: user.id });

    const login = await rest.post("login", { account: user.email, password: user.password });
    const bearer = { authorization: `Bearer ${login.body.data.token as string}` };
    expect((await rest.get("me", bearer)).status).toBe(200);

    const token = await resetTokenFor(t.runtime, user.email);
    expect((await rest.post("resetPassword", { token, new_password: NEW_PASSWORD })).status).toBe(200);

    expect(await failureOf(webMe())).toMatchObject({ trpcCode: "UNAUTHORIZED", domainCode: "UNAUTHORIZED" });
    expect((await rest.get("me", bearer)).body).toEqual({ code: 401, msg: "未登录或登录已过期", data: null });

    expect((await rest.post("login", { account: user.email, password: user.password })).body).toEqual({
      code: 401,
      msg: "账号或密码错误",
      data: null,
    });
    const fresh = await rest.post("login", { account: user.username, password: NEW_PASSWORD });
    expect(fresh.status).toBe(200);
    expect((await rest.get("me", { authorization: `Bearer ${fresh.body.data.token as string}` })).body.data).toEqual({
      id: user.id,
      email: user.email,
      username: user.username,
    });

    const changed = await outboxRows(t.runtime, "password_changed", user.email);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ userId: user.id, status: "pending" });
  });

  it("a reset through the web clears this browser's session cookie", async () => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    const web = callerFor(t.runtime, { transport: "web", ip: nextIp() });
    await web.auth.passwordReset.reset({ token, new_password: NEW_PASSWORD });
    const cleared = web.resHeaders.getSetCookie().find((line) => line.startsWith("rekey_session="));
    expect(cleared).toMatch(/^rekey_session=;.*Max-Age=0/i);
  });

  it("makes older links and requests queued before the change useless", async () => {
    const user = await createUser(t.runtime);
    const older = await resetTokenFor(t.runtime, user.email);
    t.clock.advance(1);
    const pending = await requestReset(t.runtime, user.email); // queued, not yet mailed
    t.clock.advance(1);
    const newer = await resetTokenFor(t.runtime, user.email);
    t.clock.advance(1);
    expect((await rest.post("resetPassword", { token: newer, new_password: NEW_PASSWORD })).status).toBe(200);

    expect((await rest.post("verifyResetToken", { token: older })).body).toEqual(INVALID);
    expect((await rest.post("resetPassword", { token: older, new_password: "Another-Pass-5150" })).body).toEqual(INVALID);
    await expect(mintToken(t.runtime, pending)).rejects.toThrow(/superseded/);
    const rows = await t.runtime.deps.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id));
    expect(rows.filter((row) => row.usedAt === null && row.revokedAt === null)).toEqual([]);
    // Only hashes are stored.
    for (const row of rows) expect([older, newer]).not.toContain(row.tokenHash);
  });

  it("revokes every outstanding token of the user, however it came to be live", async () => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    // The job never leaves two links live; a stray live row (say, from an older release) must die anyway.
    const stray = randomToken();
    const now = t.clock();
    await t.runtime.deps.db.insert(passwordResetTokens).values({
      userId: user.id,
      tokenHash: sha256Hex(stray),
      outboxId: randomUUID(),
      requestedAt: now,
      expiresAt: new Date(now.getTime() + 600_000),
      createdAt: now,
    });
    expect((await rest.post("verifyResetToken", { token: stray })).status).toBe(200);
    expect((await rest.post("resetPassword", { token, new_password: NEW_PASSWORD })).status).toBe(200);
    expect((await rest.post("verifyResetToken", { token: stray })).body).toEqual(INVALID);
  });

  it("a request made after the reset works normally", async () => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    expect((await rest.post("resetPassword", { token, new_password: NEW_PASSWORD })).status).toBe(200);
    t.clock.advance(1);
    const next = await resetTokenFor(t.runtime, user.email);
    expect((await rest.post("resetPassword", { token: next, new_password: "Third-Pass-Word-77" })).status).toBe(200);
    expect((await rest.post("login", { account: user.email, password: "Third-Pass-Word-77" })).status).toBe(200);
  });
});

describe.each(targets)("PASSWORD_MIN_LENGTH on $name", (target) => {
  it("sets the floor for resets and sign-ups, and the message names it", async () => {
    const t = await runtimeFor(target, { PASSWORD_MIN_LENGTH: "10" });
    const rest = await startRest(t.runtime);
    try {
      const user = await createUser(t.runtime, { password: "Long-Enough-1" });
      const token = await resetTokenFor(t.runtime, user.email);
      const short = await rest.post("resetPassword", { token, new_password: "Nine-Ch9!" });
      expect(short.body).toEqual({ code: 501, msg: "密码长度不能少于10位", data: null });
      const en = await rest.post("resetPassword", { token, new_password: "Nine-Ch9!" }, { "accept-language": "en" });
      expect(en.body.msg).toBe("The password must be at least 10 characters long");
      expect((await rest.post("resetPassword", { token, new_password: "Ten-Chars9" })).status).toBe(200);

      const register = await rest.post("register", { email: "floor@example.com", username: "floor", password: "Nine-Ch9!" });
      expect(register.status).toBe(400);
      expect(register.body).toEqual({ code: 501, msg: "密码长度不能少于10位", data: null });
    } finally {
      await rest.close();
      await t.close();
    }
  });
});

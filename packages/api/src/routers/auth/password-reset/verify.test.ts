import { randomToken } from "@rekey/auth";
import { eq, users } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, type TestRuntime } from "../../../testing";
import {
  createUser,
  failureOf,
  NEW_PASSWORD,
  nextIp,
  RELAXED_LIMITS,
  resetTokenFor,
  setUserStatus,
  startRest,
  unique,
  type RestClient,
  runtimeFor,
} from "../../../testing/flows";

const targets = await testDatabases();

const INVALID = { status: 400, body: { code: 400, msg: "令牌无效", data: null } };
const EXPIRED = { status: 400, body: { code: 400, msg: "令牌已过期，请重新申请", data: null } };
const NO_USER = { status: 404, body: { code: 404, msg: "用户不存在", data: null } };

describe.each(targets)("passwordReset.verify on $name", (target) => {
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

  const verifyRest = async (token: unknown, headers: Record<string, string> = {}) => {
    const res = await rest.post("verifyResetToken", { token }, headers);
    return { status: res.status, body: res.body };
  };
  const resetRest = async (token: string) => {
    const res = await rest.post("resetPassword", { token, new_password: NEW_PASSWORD });
    return { status: res.status, body: res.body };
  };
  const verifyTrpc = (token: string) => callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.verify({ token });

  it("says whose a live token is, with the email masked", async () => {
    const user = await createUser(t.runtime, { email: `${unique("victor")}@example.com` });
    const token = await resetTokenFor(t.runtime, user.email);
    const expiry = { expire_time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), expire_at: expect.stringMatching(/\+08:00$/) };

    const res = await rest.post("verifyResetToken", { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 200,
      msg: "Token有效",
      data: { email: "v***@example.com", username: user.username, valid: true, ...expiry },
    });
    expect(res.text).not.toContain(user.email);
    expect(new Date(res.body.data.expire_at).getTime()).toBe(t.clock().getTime() + 600_000);

    await expect(verifyTrpc(token)).resolves.toEqual({ email: "v***@example.com", username: user.username, valid: true, ...expiry });
    expect((await verifyRest(token, { "accept-language": "en" })).body.msg).toBe("Token is valid");
  });

  it("answers 400 令牌无效 for unknown and malformed tokens", async () => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    for (const bad of [randomToken(), tampered, "", "abc", `${token} `, token.slice(1), "x".repeat(1024), "令牌"]) {
      expect(await verifyRest(bad), JSON.stringify(bad)).toEqual(INVALID);
      expect(await failureOf(verifyTrpc(bad))).toMatchObject({ trpcCode: "BAD_REQUEST", domainCode: "TOKEN_INVALID", message: "令牌无效" });
    }
    expect((await verifyRest("abc", { "accept-language": "en" })).body.msg).toBe("Invalid token");
  });

  it("never consumes the token: any number of checks, then the reset still works, then it is used up", async () => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    for (let i = 0; i < 3; i++) {
      expect((await verifyRest(token)).status).toBe(200);
      await verifyTrpc(token);
    }
    expect((await resetRest(token)).status).toBe(200);
    expect(await verifyRest(token)).toEqual(INVALID);
    expect(await failureOf(verifyTrpc(token))).toMatchObject({ domainCode: "TOKEN_INVALID" });
    expect(await resetRest(token)).toEqual(INVALID);
  });

  it("answers 400 令牌已过期，请重新申请 once the lifetime has passed, for verify and reset", async () => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    t.clock.advance(599);
    expect((await verifyRest(token)).status).toBe(200);
    t.clock.advance(2);
    expect(await verifyRest(token)).toEqual(EXPIRED);
    expect(await resetRest(token)).toEqual(EXPIRED);
    expect(await failureOf(verifyTrpc(token))).toMatchObject({ trpcCode: "BAD_REQUEST", domainCode: "TOKEN_EXPIRED" });
    expect((await verifyRest(token, { "accept-language": "en" })).body.msg).toBe("The token has expired, please request a new one");
    // Nothing changed: the old password still signs in.
    const signIn = await rest.post("login", { account: user.email, password: user.password });
    expect(signIn.status).toBe(200);
  });

  it("answers 404 用户不存在 while the account is disabled, for verify and reset", async () => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    await setUserStatus(t.runtime, user.id, "disabled");
    expect(await verifyRest(token)).toEqual(NO_USER);
    expect(await resetRest(token)).toEqual(NO_USER);
    expect(await failureOf(verifyTrpc(token))).toMatchObject({ trpcCode: "NOT_FOUND", domainCode: "USER_NOT_FOUND", message: "用户不存在" });
    expect((await verifyRest(token, { "accept-language": "en" })).body.msg).toBe("User not found");
    // The refusals did not use the token up: re-enabled, the account can finish the reset.
    await setUserStatus(t.runtime, user.id, "active");
    expect((await resetRest(token)).status).toBe(200);
  });

  it("answers 404 用户不存在 once the account is deleted", async () => {
    const user = await createUser(t.runtime);
    const token = await resetTokenFor(t.runtime, user.email);
    await t.runtime.deps.db.delete(users).where(eq(users.id, user.id));
    expect(await verifyRest(token)).toEqual(NO_USER);
    expect(await resetRest(token)).toEqual(NO_USER);
    expect(await failureOf(verifyTrpc(token))).toMatchObject({ domainCode: "USER_NOT_FOUND" });
  });

  it("refuses a token of the wrong type with 501, not 400", async () => {
    for (const token of [42, null, ["a"], { a: 1 }]) {
      const res = await verifyRest(token);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 501, msg: "参数错误", data: { issues: [expect.objectContaining({ path: "token" })] } });
    }
  });
});

import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, type TestRuntime } from "../../testing";
import {
  createUser,
  failureOf,
  nextIp,
  PASSWORD,
  RELAXED_LIMITS,
  sessionCookie,
  setUserStatus,
  startRest,
  unique,
  type RestClient,
  runtimeFor,
} from "../../testing/flows";

const targets = await testDatabases();

const BAD_LOGIN = { code: 401, msg: "账号或密码错误", data: null };
const SIGNED_OUT = { code: 401, msg: "未登录或登录已过期", data: null };
// The fake clock starts at 2026-01-15T08:00:00Z; sessions last 30 days.
const SESSION_EXPIRY = { expire_time: "2026-02-14 16:00:00", expire_at: "2026-02-14T16:00:00+08:00" };

describe.each(targets)("accounts over REST and tRPC on $name", (target) => {
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

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("register creates an account and answers {id, email, username}, the email lower-cased", async () => {
    const name = unique("Reg");
    const res = await rest.post("register", { email: `${name}@Example.COM`, username: name, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 200,
      msg: "注册成功",
      data: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: `${name.toLowerCase()}@example.com`, username: name },
    });
    expect(res.text).not.toContain(PASSWORD);
  });

  it("register answers 409 when the email or the username is taken, ignoring case", async () => {
    const user = await createUser(t.runtime, { username: unique("Taken") });
    const emailTaken = await rest.post("register", { email: user.email.toUpperCase(), username: unique("free"), password: PASSWORD });
    expect(emailTaken.status).toBe(409);
    expect(emailTaken.body).toEqual({ code: 409, msg: "该邮箱已被注册", data: null });

    const nameTaken = await rest.post("register", {
      email: `${unique("free")}@example.com`,
      username: user.username.toLowerCase(),
      password: PASSWORD,
    });
    expect(nameTaken.status).toBe(409);
    expect(nameTaken.body).toEqual({ code: 409, msg: "该用户名已被占用", data: null });
    expect(
      (await rest.post("register", { email: user.email, username: unique("free"), password: PASSWORD }, { "accept-language": "en" })).body.msg,
    ).toBe("This email address is already registered");

    const caller = callerFor(t.runtime, { transport: "rest", ip: nextIp() });
    expect(await failureOf(caller.auth.signUp({ email: user.email, username: unique("free"), password: PASSWORD }))).toMatchObject({
      trpcCode: "CONFLICT",
      domainCode: "EMAIL_TAKEN",
    });
    expect(
      await failureOf(caller.auth.signUp({ email: `${unique("free")}@example.com`, username: user.username.toUpperCase(), password: PASSWORD })),
    ).toMatchObject({
      trpcCode: "CONFLICT",
      domainCode: "USERNAME_TAKEN",
    });
  });

  it("register refuses bad input and weak passwords with 501", async () => {
    const email = () => `${unique("weak")}@example.com`;
    const cases: Array<[object, string]> = [
      [{ email: "nope", username: unique("u"), password: PASSWORD }, "参数错误"],
      [{ email: email(), username: "ab", password: PASSWORD }, "参数错误"],
      [{ email: email(), username: "bad name!", password: PASSWORD }, "参数错误"],
      [{ email: email(), username: unique("u"), password: 12345678 }, "参数错误"],
      [{ email: email(), username: unique("u"), password: "Ab3-x" }, "密码长度不能少于6位"],
      [{ email: email(), username: unique("u"), password: "password1" }, "密码过于常见，请换一个更难猜的密码"],
    ];
    for (const [body, msg] of cases) {
      const res = await rest.post("register", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body, JSON.stringify(body)).toMatchObject({ code: 501, msg });
    }
  });

  it("login with email or username (any case) returns a bearer token and its expiry", async () => {
    const user = await createUser(t.runtime, { username: unique("Logan") });
    for (const account of [user.email, user.email.toUpperCase(), user.username, user.username.toLowerCase()]) {
      const res = await rest.post("login", { account, password: PASSWORD });
      expect(res.status, account).toBe(200);
      expect(res.body).toMatchObject({
        code: 200,
        msg: "登录成功",
        data: { token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), ...SESSION_EXPIRY },
      });
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("login answers 401 账号或密码错误 alike for a wrong password, an unknown account and a disabled one", async () => {
    const user = await createUser(t.runtime);
    const wrong = await rest.post("login", { account: user.email, password: "Not-The-Password-1" });
    const unknown = await rest.post("login", { account: `${unique("nobody")}@example.com`, password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(BAD_LOGIN);
    expect(unknown.text).toBe(wrong.text);

    await setUserStatus(t.runtime, user.id, "disabled");
    const disabled = await rest.post("login", { account: user.email, password: PASSWORD });
    expect(disabled.text).toBe(wrong.text);
    expect((await rest.post("login", { account: user.email, password: "x-wrong-x" }, { "accept-language": "en" })).body.msg).toBe(
      "Incorrect account or password",
    );
    expect(
      await failureOf(callerFor(t.runtime, { transport: "rest", ip: nextIp() }).auth.signIn({ account: user.email, password: PASSWORD })),
    ).toMatchObject({
      trpcCode: "UNAUTHORIZED",
      domainCode: "INVALID_CREDENTIALS",
    });
  });

  it("GET me answers the account for a bearer token and 401 without a valid one", async () => {
    const user = await createUser(t.runtime);
    const token = (await rest.post("login", { account: user.username, password: PASSWORD })).body.data.token as string;
    const me = await rest.get("me", bearer(token));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ code: 200, msg: "成功", data: { id: user.id, email: user.email, username: user.username } });

    for (const headers of [{}, bearer("A".repeat(43)), bearer("garbage"), { authorization: token }, { authorization: `Basic ${token}` }]) {
      const res = await rest.get("me", headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body).toEqual(SIGNED_OUT);
    }
    // A bearer token is not a cookie: the web transport ignores it.
    expect(await failureOf(callerFor(t.runtime, { transport: "web", headers: bearer(token) }).auth.me())).toMatchObject({ trpcCode: "UNAUTHORIZED" });
  });

  it("logout ends that session only: null, then the token is dead", async () => {
    const user = await createUser(t.runtime);
    const one = (await rest.post("login", { account: user.email, password: PASSWORD })).body.data.token as string;
    const two = (await rest.post("login", { account: user.email, password: PASSWORD })).body.data.token as string;

    const out = await rest.post("logout", undefined, bearer(one));
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ code: 200, msg: "已退出登录", data: null });
    expect((await rest.get("me", bearer(one))).body).toEqual(SIGNED_OUT);
    expect((await rest.post("logout", undefined, bearer(one))).body).toEqual(SIGNED_OUT);
    expect((await rest.post("logout", {})).status).toBe(401);
    expect((await rest.get("me", bearer(two))).status).toBe(200);
  });

  it("a disabled account's sessions stop working", async () => {
    const user = await createUser(t.runtime);
    const token = (await rest.post("login", { account: user.email, password: PASSWORD })).body.data.token as string;
    await setUserStatus(t.runtime, user.id, "disabled");
    expect((await rest.get("me", bearer(token))).body).toEqual(SIGNED_OUT);
  });

  it("the web signs in with an httpOnly cookie and no token in the body, and signs out by clearing it", async () => {
    const user = await createUser(t.runtime);
    const web = callerFor(t.runtime, { transport: "web", ip: nextIp() });
    const result = await web.auth.signIn({ account: user.email, password: PASSWORD });
    expect(result.token).toBeUndefined();
    expect(result).toMatchObject({ user: { id: user.id }, ...SESSION_EXPIRY });
    const [line] = web.resHeaders.getSetCookie();
    expect(line).toMatch(/^rekey_session=[A-Za-z0-9_-]{43};/);
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    expect(line).toMatch(/Path=\//i);

    const cookie = sessionCookie(web.resHeaders);
    const withCookie = callerFor(t.runtime, { transport: "web", headers: { cookie } });
    await expect(withCookie.auth.me()).resolves.toEqual({ id: user.id, email: user.email, username: user.username });
    // A cookie is not a bearer token: REST ignores it.
    expect((await rest.get("me", { cookie })).status).toBe(401);

    await expect(withCookie.auth.signOut()).resolves.toBeNull();
    expect(withCookie.resHeaders.getSetCookie().join()).toMatch(/rekey_session=;.*Max-Age=0/i);
    expect(await failureOf(callerFor(t.runtime, { transport: "web", headers: { cookie } }).auth.me())).toMatchObject({ trpcCode: "UNAUTHORIZED" });
  });

  it("sessions end when their lifetime is over", async () => {
    const user = await createUser(t.runtime);
    const token = (await rest.post("login", { account: user.email, password: PASSWORD })).body.data.token as string;
    t.clock.advance(30 * 86_400 - 1);
    expect((await rest.get("me", bearer(token))).status).toBe(200);
    t.clock.advance(1);
    expect((await rest.get("me", bearer(token))).body).toEqual(SIGNED_OUT);
  });
});

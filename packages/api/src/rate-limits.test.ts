import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, type TestRuntime } from "./testing";
import {
  auditRows,
  createUser,
  failureOf,
  mintToken,
  nextIp,
  outboxRows,
  PASSWORD,
  requestReset,
  startRest,
  unique,
  type RestClient,
  runtimeFor,
} from "./testing/flows";

const targets = await testDatabases();

const LIMITED_MSG = "请求过于频繁，请稍后再试";

describe.each(targets)("default limits on $name", (target) => {
  let t: TestRuntime;
  let rest: RestClient;
  beforeAll(async () => {
    t = await runtimeFor(target);
    rest = await startRest(t.runtime);
  });
  afterAll(async () => {
    await rest?.close();
    await t?.close();
  });

  it("the 11th reset request from one IP in 15 minutes gets 429 with Retry-After and data.retry_after", async () => {
    for (let i = 0; i < 10; i++) {
      expect((await rest.post("requestPasswordReset", { email: `ip-limit-${i}@example.com` })).status, `request ${i + 1}`).toBe(200);
    }
    const limited = await rest.post("requestPasswordReset", { email: "ip-limit-10@example.com" });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: 429, msg: LIMITED_MSG, data: { retry_after: 900 } });
    expect(limited.headers.get("retry-after")).toBe("900");
    expect(await outboxRows(t.runtime, "password_reset", "ip-limit-10@example.com")).toHaveLength(0);
    expect(await auditRows(t.runtime, "rate_limit.hit", "reset_ip")).toEqual([expect.objectContaining({ ip: "127.0.0.1" })]);

    t.clock.advance(300);
    const later = await rest.post("requestPasswordReset", { email: "ip-limit-10@example.com" }, { "accept-language": "en" });
    expect(later.body).toEqual({ code: 429, msg: "Too many requests, please try again later", data: { retry_after: 600 } });
    expect(later.headers.get("retry-after")).toBe("600");

    // Another client is not affected; the window ends when promised.
    await expect(callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.request({ email: "ip-limit-10@example.com" })).resolves.toBeTruthy();
    t.clock.advance(600);
    expect((await rest.post("requestPasswordReset", { email: "ip-limit-11@example.com" })).status).toBe(200);
  });

  it("past 3 requests per address: the same 200, but no new email, until the window is over", async () => {
    const user = await createUser(t.runtime);
    const ask = (email: string) => callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.request({ email });
    const first = await ask(user.email);
    for (let i = 0; i < 4; i++) expect(await ask(i % 2 ? user.email.toUpperCase() : user.email)).toEqual(first);
    expect(await outboxRows(t.runtime, "password_reset", user.email)).toHaveLength(3);
    const hits = (await auditRows(t.runtime, "rate_limit.hit", "reset_email")).filter((row) => row.subject === user.email);
    expect(hits).toHaveLength(2);

    t.clock.advance(900);
    await ask(user.email);
    expect(await outboxRows(t.runtime, "password_reset", user.email)).toHaveLength(4);
  });
  // Sign-in limits (per account+IP, per IP, per account with the captcha) are covered in sign-in-limits.test.ts.
});

describe.each(targets)("small limits on $name", (target) => {
  let t: TestRuntime;
  let rest: RestClient;
  beforeAll(async () => {
    t = await runtimeFor(target, { RATE_LIMITS: "token_ip=3/1m,signup_ip=2/1h,reset_email=2/15m,reset_ip=1000/15m" });
    rest = await startRest(t.runtime);
  });
  afterAll(async () => {
    await rest?.close();
    await t?.close();
  });

  it("verify and reset share a per-IP budget: past it 429, other IPs unaffected, until the window ends", async () => {
    const user = await createUser(t.runtime);
    const token = await mintToken(t.runtime, await requestReset(t.runtime, user.email));
    const ip = nextIp();
    const caller = () => callerFor(t.runtime, { ip });
    await caller().auth.passwordReset.verify({ token });
    await caller().auth.passwordReset.verify({ token });
    expect(await failureOf(caller().auth.passwordReset.reset({ token: "A".repeat(43), new_password: "Fresh-Pass-1234" }))).toMatchObject({
      domainCode: "TOKEN_INVALID",
    });

    expect(await failureOf(caller().auth.passwordReset.verify({ token }))).toMatchObject({
      trpcCode: "TOO_MANY_REQUESTS",
      domainCode: "RATE_LIMITED",
      message: LIMITED_MSG,
      retryAfter: 60,
    });
    expect(await failureOf(caller().auth.passwordReset.reset({ token, new_password: "Fresh-Pass-1234" }))).toMatchObject({
      domainCode: "RATE_LIMITED",
    });
    await expect(callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.verify({ token })).resolves.toMatchObject({ valid: true });
    // One event for the client's refusals in this window: the instance refuses it again from memory, so a
    // flood from one address neither reaches the database nor fills the audit log.
    expect((await auditRows(t.runtime, "rate_limit.hit", "token_ip")).filter((row) => row.ip === ip)).toHaveLength(1);

    t.clock.advance(60);
    await expect(caller().auth.passwordReset.reset({ token, new_password: "Fresh-Pass-1234" })).resolves.toBeNull();
  });

  it("over REST the verify/reset limit is a 429 envelope with Retry-After", async () => {
    for (let i = 0; i < 3; i++) expect((await rest.post("verifyResetToken", { token: "A".repeat(43) })).status).toBe(400);
    const limited = await rest.post("resetPassword", { token: "A".repeat(43), new_password: "Fresh-Pass-1234" });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: 429, msg: LIMITED_MSG, data: { retry_after: 60 } });
    expect(limited.headers.get("retry-after")).toBe("60");
    t.clock.advance(60);
  });

  it("past the per-address limit the REST body stays byte-identical and nothing is queued", async () => {
    const user = await createUser(t.runtime);
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await rest.post("requestPasswordReset", { email: user.email });
      expect(res.status).toBe(200);
      bodies.push(res.text);
    }
    expect(new Set(bodies).size).toBe(1);
    expect(await outboxRows(t.runtime, "password_reset", user.email)).toHaveLength(2);
    expect((await auditRows(t.runtime, "rate_limit.hit", "reset_email")).filter((row) => row.subject === user.email)).toHaveLength(2);
  });

  it("sign-ups are limited per IP", async () => {
    const register = () => {
      const name = unique("signup");
      return rest.post("register", { email: `${name}@example.com`, username: name, password: PASSWORD });
    };
    expect((await register()).status).toBe(200);
    expect((await register()).status).toBe(200);
    const limited = await register();
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: 429, msg: LIMITED_MSG, data: { retry_after: 3600 } });
    expect(await auditRows(t.runtime, "rate_limit.hit", "signup_ip")).toEqual([expect.objectContaining({ ip: "127.0.0.1" })]);
  });
});

import { eq, users } from "@rekey/db";
import { describe, expect, it } from "vitest";
import { getSession } from "./sessions";
import { signIn } from "./sign-in";
import { LIGHT_CAPTCHA, meta, PASSWORD, serviceSuite, signUpPerson, solvedCaptcha, targets, type Deps } from "./testing";

const WRONG = "Not-The-Password-404";

describe.each(targets)("signIn on $name", (target) => {
  const suite = serviceSuite(target);

  const attempt = (deps: Deps, account: string, password: string, ip = "192.0.2.10", captcha?: string) =>
    signIn(deps, { account, password, captcha }, "api", meta(ip));

  it("with email or username in any case starts a session that lasts SESSION_TTL_SECONDS", async () => {
    const deps = suite.deps({ env: { SESSION_TTL_SECONDS: "3600" } });
    const alice = await signUpPerson(deps, "alice");
    for (const account of ["alice@example.com", "ALICE@Example.com", "alice", " Alice "]) {
      const session = await attempt(deps, account, PASSWORD);
      expect(session.user.id, account).toBe(alice.id);
      expect(await getSession(deps, session.token)).toMatchObject({ user: { id: alice.id }, kind: "api" });
    }
    const session = await attempt(deps, "alice", PASSWORD);
    deps.clock.advance(3599);
    expect(await getSession(deps, session.token)).not.toBeNull();
    deps.clock.advance(1);
    expect(await getSession(deps, session.token)).toBeNull();
  });

  it("answers a wrong password, an unknown account and a disabled account alike: INVALID_CREDENTIALS", async () => {
    const deps = suite.deps();
    const bob = await signUpPerson(deps, "bob");
    const failures = [
      await attempt(deps, "bob", WRONG).catch((error: unknown) => error),
      await attempt(deps, "nobody@example.com", PASSWORD).catch((error: unknown) => error),
    ];
    await suite.db.update(users).set({ status: "disabled" }).where(eq(users.id, bob.id));
    failures.push(await attempt(deps, "bob", PASSWORD).catch((error: unknown) => error));
    for (const failure of failures) expect(failure).toMatchObject({ code: "INVALID_CREDENTIALS", params: {} });
  });

  it("a disabled account's existing sessions stop working", async () => {
    const deps = suite.deps();
    const carol = await signUpPerson(deps, "carol");
    const session = await attempt(deps, "carol", PASSWORD);
    await suite.db.update(users).set({ status: "disabled" }).where(eq(users.id, carol.id));
    expect(await getSession(deps, session.token)).toBeNull();
  });

  it("guessing one account from one IP is stopped with RATE_LIMITED and the wait; the owner elsewhere still gets in", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "signin_account_ip=3/15m" } });
    await signUpPerson(deps, "dave");
    for (let i = 0; i < 3; i++) await expect(attempt(deps, "dave", WRONG, "203.0.113.9")).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    deps.clock.advance(60);
    // Even the right password: the guesser must not learn whether a guess was right.
    await expect(attempt(deps, "dave", PASSWORD, "203.0.113.9")).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfter: 14 * 60 });
    await expect(attempt(deps, "dave@example.com", PASSWORD, "198.51.100.1")).resolves.toBeDefined();
    deps.clock.advance(14 * 60);
    await expect(attempt(deps, "dave", PASSWORD, "203.0.113.9")).resolves.toBeDefined();
  });

  it("an owner who mistyped and then got in starts again from zero on that IP", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "signin_account_ip=3/15m" } });
    await signUpPerson(deps, "erin");
    for (let i = 0; i < 2; i++) await attempt(deps, "erin", WRONG).catch(() => {});
    await attempt(deps, "erin", PASSWORD);
    for (let i = 0; i < 2; i++) await attempt(deps, "erin", WRONG).catch(() => {});
    await expect(attempt(deps, "erin", PASSWORD)).resolves.toBeDefined();
  });

  it("spraying passwords across accounts from one IP is stopped with RATE_LIMITED", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "signin_ip=4/15m" } });
    for (const name of ["fay", "gus", "hal"]) await signUpPerson(deps, name);
    for (const account of ["fay", "gus", "hal", "nobody"]) await attempt(deps, account, WRONG, "203.0.113.50").catch(() => {});
    await expect(attempt(deps, "fay", PASSWORD, "203.0.113.50")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(attempt(deps, "fay", PASSWORD, "203.0.113.51")).resolves.toBeDefined();
  });

  it("guesses at one account from many IPs lead to a captcha (CAPTCHA_REQUIRED), never a lockout of the right password", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "signin_account=3/15m", CAPTCHA: "adaptive" }, captchaWork: LIGHT_CAPTCHA });
    await signUpPerson(deps, "ivy");
    for (let i = 1; i <= 3; i++) await expect(attempt(deps, "ivy", WRONG, `198.18.0.${i}`)).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    // Her email and her username are one account.
    await expect(attempt(deps, "ivy@example.com", PASSWORD, "192.0.2.77")).rejects.toMatchObject({ code: "CAPTCHA_REQUIRED" });
    await expect(attempt(deps, "ivy", WRONG, "192.0.2.77", await solvedCaptcha(deps))).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await expect(attempt(deps, "ivy", PASSWORD, "192.0.2.77", await solvedCaptcha(deps))).resolves.toBeDefined();
  });

  it("with CAPTCHA=off the per-account count never blocks the right password", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "signin_account=2/15m", CAPTCHA: "off" } });
    await signUpPerson(deps, "jo");
    for (let i = 1; i <= 4; i++) await attempt(deps, "jo", WRONG, `198.18.1.${i}`).catch(() => {});
    await expect(attempt(deps, "jo", PASSWORD, "192.0.2.78")).resolves.toBeDefined();
  });
});

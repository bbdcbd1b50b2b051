import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestRuntime, solvedCaptcha, type TestRuntime } from "./testing";
import { auditRows, createUser, failureOf, nextIp, PASSWORD, RELAXED_LIMITS, runtimeFor, startRest, unique, type RestClient } from "./testing/flows";

const targets = await testDatabases();

const WRONG = "Wrong-Guess-4417";
const LIMITED = { code: 429, msg: "请求过于频繁，请稍后再试", data: { retry_after: 900 } };
const CAPTCHA = { code: 403, msg: "请完成人机验证", data: { challenge_url: "http://rekey.test/api/captcha/challenge" } };
/** Default sign-in limits; REST clients name their IP in X-Forwarded-For (one trusted proxy). */
const ENV = { RATE_LIMITS: RELAXED_LIMITS, TRUST_PROXY: "1" };

type Runtime = TestRuntime["runtime"];

/** "OK" or the domain code a client sees. */
function signIn(runtime: Runtime, ip: string, account: string, password: string, captcha?: string): Promise<string> {
  const call = callerFor(runtime, { transport: "rest", ip }).auth.signIn({ account, password, captcha });
  return call.then(
    () => "OK",
    async (error: unknown) => (await failureOf(Promise.reject(error))).domainCode,
  );
}

/** How many attempts from `ip` reached the password check (each writes one sign_in.failed row). */
async function passwordChecks(runtime: Runtime, ip: string): Promise<number> {
  return (await auditRows(runtime, "sign_in.failed")).filter((row) => row.ip === ip).length;
}

function tally(outcomes: string[]): Record<string, number> {
  return outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
}

describe.each(targets)("sign-in limits with the captcha on (default) on $name", (target) => {
  let t: TestRuntime;
  let rest: RestClient;
  beforeAll(async () => {
    t = await createTestRuntime(target, ENV);
    rest = await startRest(t.runtime);
  });
  afterAll(async () => {
    await rest?.close();
    await t?.close();
  });
  const login = (ip: string, body: object) => rest.post("login", body, { "x-forwarded-for": ip });

  it("spraying one password across 40 accounts from one IP: 429 after 30 failures, other IPs unaffected", async () => {
    const users = await Promise.all(Array.from({ length: 40 }, () => createUser(t.runtime)));
    const ip = nextIp();
    for (const user of users.slice(0, 30)) expect((await login(ip, { account: user.email, password: WRONG })).status).toBe(401);
    for (const user of users.slice(30)) {
      const res = await login(ip, { account: user.email, password: WRONG });
      expect(res.body).toEqual(LIMITED);
      expect(res.headers.get("retry-after")).toBe("900");
    }
    // Refused before any password work, even the right password, for this IP only.
    expect((await login(ip, { account: users[35]!.username, password: PASSWORD })).status).toBe(429);
    expect(await passwordChecks(t.runtime, ip)).toBe(30);
    expect((await auditRows(t.runtime, "rate_limit.hit", "signin_ip")).filter((row) => row.ip === ip)).toHaveLength(1); // the first refusal; the rest come from memory
    const other = nextIp();
    expect((await login(other, { account: users[35]!.email, password: WRONG })).status).toBe(401);
    expect((await login(other, { account: users[35]!.email, password: PASSWORD })).status).toBe(200);

    t.clock.advance(900);
    expect((await login(ip, { account: users[36]!.email, password: PASSWORD })).status).toBe(200);
  });

  it("past 5 failures an account needs a captcha from every IP: then the right password works, once per solution", async () => {
    const user = await createUser(t.runtime);
    for (let i = 0; i < 5; i++) expect((await login(nextIp(), { account: user.email, password: WRONG })).status).toBe(401);
    const ip = nextIp();
    const bare = await login(ip, { account: user.email, password: PASSWORD });
    expect(bare.body).toEqual(CAPTCHA);
    expect((await login(ip, { account: user.email, password: PASSWORD, captcha: "bm90LWEtc29sdXRpb24=" })).body).toEqual(CAPTCHA);
    const web = callerFor(t.runtime, { transport: "web", ip: nextIp() }).auth.signIn({ account: user.username, password: PASSWORD });
    expect(await failureOf(web)).toMatchObject({ trpcCode: "FORBIDDEN", domainCode: "CAPTCHA_REQUIRED" });

    const captcha = await solvedCaptcha(t.runtime);
    const ok = await login(ip, { account: user.email, password: PASSWORD, captcha });
    expect(ok.status).toBe(200);
    expect(ok.body.data.token).toEqual(expect.any(String));
    expect((await login(ip, { account: user.email, password: PASSWORD, captcha })).body).toEqual(CAPTCHA);
    // A solved captcha with a wrong password is an ordinary failure.
    expect(await signIn(t.runtime, ip, user.email, WRONG, await solvedCaptcha(t.runtime))).toBe("INVALID_CREDENTIALS");

    const refused = (await auditRows(t.runtime, "sign_in.refused")).filter((row) => row.userId === user.id);
    expect(refused.map((row) => row.reason).sort()).toEqual(["captcha_invalid", "captcha_invalid", "captcha_missing", "captcha_missing"]);
    const everything = JSON.stringify(await auditRows(t.runtime, "sign_in.refused"));
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(captcha);
  });

  it("10+ wrong guesses from IP A: 429 for A, and the owner still signs in from IP B", async () => {
    const user = await createUser(t.runtime);
    const a = nextIp();
    const outcomes: string[] = [];
    // Past 5 the attacker even solves captchas; past 10 IP A gets 429 for this account.
    for (let i = 0; i < 12; i++) outcomes.push(await signIn(t.runtime, a, user.email, WRONG, i >= 5 ? await solvedCaptcha(t.runtime) : undefined));
    expect(outcomes).toEqual([...Array<string>(10).fill("INVALID_CREDENTIALS"), "RATE_LIMITED", "RATE_LIMITED"]);
    expect(await signIn(t.runtime, a, user.username, PASSWORD, await solvedCaptcha(t.runtime))).toBe("RATE_LIMITED");
    expect((await auditRows(t.runtime, "rate_limit.hit", "signin_account_ip")).filter((row) => row.ip === a)).toHaveLength(1); // the first refusal; the rest come from memory

    const b = nextIp();
    expect(await signIn(t.runtime, b, user.email, PASSWORD)).toBe("CAPTCHA_REQUIRED");
    expect(await signIn(t.runtime, b, user.email, PASSWORD, await solvedCaptcha(t.runtime))).toBe("OK");
    // Another account from A is not affected.
    const other = await createUser(t.runtime);
    expect(await signIn(t.runtime, a, other.email, PASSWORD)).toBe("OK");
  });

  it("an account's email and username (any case) count as one account; unknown accounts are counted too", async () => {
    const user = await createUser(t.runtime, { username: unique("Mixed") });
    const names = [user.email, user.username, user.email.toUpperCase(), ` ${user.username.toLowerCase()} `, user.username.toUpperCase()];
    for (const account of names) expect(await signIn(t.runtime, nextIp(), account, WRONG)).toBe("INVALID_CREDENTIALS");
    expect(await signIn(t.runtime, nextIp(), user.username, PASSWORD)).toBe("CAPTCHA_REQUIRED");

    // An unknown account answers exactly like a known one.
    const ghost = `${unique("ghost")}@example.com`;
    for (const account of [ghost, ghost.toUpperCase(), ` ${ghost} `, ghost, ghost]) {
      expect(await signIn(t.runtime, nextIp(), account, WRONG)).toBe("INVALID_CREDENTIALS");
    }
    expect(await signIn(t.runtime, nextIp(), ghost, WRONG)).toBe("CAPTCHA_REQUIRED");
  });

  it("20 parallel wrong guesses: only 5 reach the password check, the rest are refused", async () => {
    const user = await createUser(t.runtime);
    const ip = nextIp();
    const outcomes = tally(await Promise.all(Array.from({ length: 20 }, () => signIn(t.runtime, ip, user.email, WRONG))));
    expect(outcomes.INVALID_CREDENTIALS).toBe(5);
    expect((outcomes.CAPTCHA_REQUIRED ?? 0) + (outcomes.RATE_LIMITED ?? 0)).toBe(15);
    expect(await passwordChecks(t.runtime, ip)).toBe(5);
  });

  it("the captcha escalation ends with its window", async () => {
    const user = await createUser(t.runtime);
    for (let i = 0; i < 5; i++) await signIn(t.runtime, nextIp(), user.email, WRONG);
    expect(await signIn(t.runtime, nextIp(), user.email, PASSWORD)).toBe("CAPTCHA_REQUIRED");
    t.clock.advance(899);
    expect(await signIn(t.runtime, nextIp(), user.email, PASSWORD)).toBe("CAPTCHA_REQUIRED");
    t.clock.advance(1);
    expect(await signIn(t.runtime, nextIp(), user.email, PASSWORD)).toBe("OK");
  });
});

describe.each(targets)("sign-in limits with CAPTCHA=off on $name", (target) => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await runtimeFor(target, ENV);
  });
  afterAll(() => t?.close());

  it("no escalation: past 5 failures from many IPs the right password still works", async () => {
    const user = await createUser(t.runtime);
    for (let i = 0; i < 12; i++) expect(await signIn(t.runtime, nextIp(), user.email, WRONG)).toBe("INVALID_CREDENTIALS");
    expect(await signIn(t.runtime, nextIp(), user.username, PASSWORD)).toBe("OK");
  });

  it("10 failures from IP A: 429 with the wait for A only, until the window ends", async () => {
    const user = await createUser(t.runtime);
    const a = nextIp();
    for (let i = 0; i < 10; i++) expect(await signIn(t.runtime, a, i % 2 ? user.email : user.username, WRONG)).toBe("INVALID_CREDENTIALS");
    const limited = callerFor(t.runtime, { transport: "rest", ip: a }).auth.signIn({ account: user.email, password: PASSWORD });
    expect(await failureOf(limited)).toMatchObject({ trpcCode: "TOO_MANY_REQUESTS", domainCode: "RATE_LIMITED", retryAfter: 900 });
    expect(await signIn(t.runtime, nextIp(), user.email, PASSWORD)).toBe("OK");
    t.clock.advance(899);
    expect(await signIn(t.runtime, a, user.email, PASSWORD)).toBe("RATE_LIMITED");
    t.clock.advance(1);
    expect(await signIn(t.runtime, a, user.email, PASSWORD)).toBe("OK");
  });

  it("a success gives its attempt back and clears the account+IP count, not the IP's count", async () => {
    const user = await createUser(t.runtime);
    const ip = nextIp();
    for (let i = 0; i < 9; i++) await signIn(t.runtime, ip, user.email, WRONG);
    expect(await signIn(t.runtime, ip, user.email, PASSWORD)).toBe("OK");
    const outcomes = [];
    for (let i = 0; i < 11; i++) outcomes.push(await signIn(t.runtime, ip, user.email, WRONG));
    expect(outcomes).toEqual([...Array<string>(10).fill("INVALID_CREDENTIALS"), "RATE_LIMITED"]);
    // 19 failures so far from this IP: 11 more on other accounts reach the per-IP limit of 30.
    for (let i = 0; i < 11; i++) expect(await signIn(t.runtime, ip, `${unique("nobody")}@example.com`, WRONG)).toBe("INVALID_CREDENTIALS");
    expect(await signIn(t.runtime, ip, `${unique("nobody")}@example.com`, WRONG)).toBe("RATE_LIMITED");
  });

  it("20 parallel wrong guesses from one IP: exactly 10 reach the password check", async () => {
    const user = await createUser(t.runtime);
    const ip = nextIp();
    const outcomes = tally(await Promise.all(Array.from({ length: 20 }, () => signIn(t.runtime, ip, user.email, WRONG))));
    expect(outcomes).toEqual({ INVALID_CREDENTIALS: 10, RATE_LIMITED: 10 });
    expect(await passwordChecks(t.runtime, ip)).toBe(10);
  });

  it("right and wrong passwords at once from one IP: every answer is a clean one", async () => {
    const user = await createUser(t.runtime);
    const ip = nextIp();
    // Successes give back while failures count, on the same rows at the same time.
    const calls = Array.from({ length: 24 }, (_, i) => signIn(t.runtime, ip, i % 3 ? user.email : user.username, i % 3 ? WRONG : PASSWORD));
    const outcomes = tally(await Promise.all(calls));
    expect(Object.keys(outcomes).filter((o) => !["OK", "INVALID_CREDENTIALS", "RATE_LIMITED"].includes(o))).toEqual([]);
    expect(outcomes.INVALID_CREDENTIALS).toBe(await passwordChecks(t.runtime, ip));
  });

  it("40 parallel guesses across accounts from one IP: exactly 30 reach the password check", async () => {
    const ip = nextIp();
    const guesses = Array.from({ length: 40 }, () => signIn(t.runtime, ip, `${unique("spray")}@example.com`, WRONG));
    expect(tally(await Promise.all(guesses))).toEqual({ INVALID_CREDENTIALS: 30, RATE_LIMITED: 10 });
    expect(await passwordChecks(t.runtime, ip)).toBe(30);
  });
});

describe.each(targets)("sign-in with RATE_LIMITS=off on $name", (target) => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await createTestRuntime(target, { RATE_LIMITS: "off" });
  });
  afterAll(() => t?.close());

  it("nothing is limited: 40 wrong guesses from one IP, then the right password, no captcha", async () => {
    const user = await createUser(t.runtime);
    const ip = nextIp();
    for (let i = 0; i < 40; i++) expect(await signIn(t.runtime, ip, user.email, WRONG)).toBe("INVALID_CREDENTIALS");
    expect(await signIn(t.runtime, ip, user.email, PASSWORD)).toBe("OK");
    expect(await auditRows(t.runtime, "rate_limit.hit")).toHaveLength(0);
  });
});

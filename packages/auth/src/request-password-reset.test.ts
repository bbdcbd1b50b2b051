import { describe, expect, it } from "vitest";
import { mintResetLink } from "./mint-reset-link";
import { requestPasswordReset } from "./request-password-reset";
import { LIGHT_CAPTCHA, meta, resetEmails, serviceSuite, signUpPerson, solvedCaptcha, targets } from "./testing";
import { verifyResetToken } from "./verify-reset-token";

/** Limits on, but room for every request of one address in a test about another limit. */
const ROOMY_PER_ADDRESS = "reset_email=100/15m";

describe.each(targets)("requestPasswordReset on $name", (target) => {
  const suite = serviceSuite(target);

  it("queues one email with a working link to a known address, valid for PASSWORD_RESET_TTL_SECONDS", async () => {
    const deps = suite.deps({ env: { PASSWORD_RESET_TTL_SECONDS: "900" } });
    const alice = await signUpPerson(deps, "alice");
    const answer = await requestPasswordReset(deps, { email: alice.email }, meta());
    expect(answer.expiresAt.getTime() - deps.clock().getTime()).toBe(900_000);

    const emails = await resetEmails(suite.db);
    expect(emails.map((row) => row.recipient)).toEqual([alice.email]);
    const minted = await mintResetLink(deps, emails[0]!.id);
    expect(minted).toMatchObject({ status: "send", link: expect.stringMatching(/^http:\/\/rekey\.test\/reset-password\?token=/) });
    if (minted.status !== "send") return;
    const token = new URL(minted.link).searchParams.get("token")!;
    expect(await verifyResetToken(deps, { token }, meta())).toMatchObject({ username: "alice", expiresAt: answer.expiresAt });
  });

  it("answers an unknown address exactly as a known one, and no email with a link goes out", async () => {
    const deps = suite.deps();
    await signUpPerson(deps, "known");
    const known = await requestPasswordReset(deps, { email: "known@example.com" }, meta("192.0.2.1"));
    const unknown = await requestPasswordReset(deps, { email: "nobody@example.com" }, meta("192.0.2.2"));
    expect(unknown).toEqual(known);

    // The same work is queued either way (CONTRACT §4); the job finds no account and sends nothing.
    const [row] = await resetEmails(suite.db, "nobody@example.com");
    expect(await mintResetLink(deps, row!.id)).toEqual({ status: "skip", reason: "unknown_email" });
  });

  it("with PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL=1 refuses an unknown address with EMAIL_NOT_REGISTERED and queues nothing", async () => {
    const deps = suite.deps({ env: { PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL: "1" } });
    await signUpPerson(deps, "bob");
    await expect(requestPasswordReset(deps, { email: "nobody@example.com" }, meta())).rejects.toMatchObject({ code: "EMAIL_NOT_REGISTERED" });
    await requestPasswordReset(deps, { email: "bob@example.com" }, meta());
    expect((await resetEmails(suite.db)).map((row) => row.recipient)).toEqual(["bob@example.com"]);
  });

  it("past the per-address limit answers the same but floods nobody's inbox, until the window ends", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "reset_email=3/15m" } });
    const carol = await signUpPerson(deps, "carol");
    const answers: Array<{ expiresAt: Date }> = [];
    for (let i = 0; i < 5; i++) answers.push(await requestPasswordReset(deps, { email: carol.email }, meta(`192.0.2.${i + 1}`)));
    expect(answers.map((answer) => answer.expiresAt)).toEqual(answers.map(() => answers[0]!.expiresAt));
    expect(await resetEmails(suite.db, carol.email)).toHaveLength(3);

    deps.clock.advance(15 * 60);
    await requestPasswordReset(deps, { email: carol.email }, meta());
    expect(await resetEmails(suite.db, carol.email)).toHaveLength(4);
  });

  it("past the per-IP limit refuses with RATE_LIMITED and the wait, queues nothing, and leaves other IPs alone", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: `reset_ip=2/10m,${ROOMY_PER_ADDRESS}` } });
    await signUpPerson(deps, "dave");
    const ask = (ip: string) => requestPasswordReset(deps, { email: "dave@example.com" }, meta(ip));
    await ask("198.51.100.7");
    deps.clock.advance(60);
    await ask("198.51.100.7");
    await expect(ask("198.51.100.7")).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfter: 9 * 60 });
    expect(await resetEmails(suite.db)).toHaveLength(2);

    await ask("198.51.100.8");
    deps.clock.advance(9 * 60);
    await ask("198.51.100.7");
    expect(await resetEmails(suite.db)).toHaveLength(4);
  });

  it("when a captcha is required, refuses a request without a valid one (CAPTCHA_REQUIRED) and accepts a solved one once", async () => {
    const deps = suite.deps({ captchaWork: LIGHT_CAPTCHA });
    await signUpPerson(deps, "erin");
    const ask = (captcha?: string) => requestPasswordReset(deps, { email: "erin@example.com", captcha }, meta(), "required");
    await expect(ask()).rejects.toMatchObject({ code: "CAPTCHA_REQUIRED" });
    await expect(ask("bm90LWEtY2FwdGNoYQ==")).rejects.toMatchObject({ code: "CAPTCHA_REQUIRED" });
    expect(await resetEmails(suite.db)).toHaveLength(0);

    const captcha = await solvedCaptcha(deps);
    await ask(captcha);
    expect(await resetEmails(suite.db)).toHaveLength(1);
    await expect(ask(captcha)).rejects.toMatchObject({ code: "CAPTCHA_REQUIRED" });
  });

  it("adaptive captcha: a client past the soft limit needs a solved captcha, others do not", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: `captcha_soft=2/15m,${ROOMY_PER_ADDRESS}` }, captchaWork: LIGHT_CAPTCHA });
    await signUpPerson(deps, "fay");
    const ask = (ip: string, captcha?: string) => requestPasswordReset(deps, { email: "fay@example.com", captcha }, meta(ip), "adaptive");
    await ask("203.0.113.5");
    await ask("203.0.113.5");
    await expect(ask("203.0.113.5")).rejects.toMatchObject({ code: "CAPTCHA_REQUIRED" });
    await ask("203.0.113.5", await solvedCaptcha(deps));
    await ask("203.0.113.6");
    expect(await resetEmails(suite.db)).toHaveLength(4);
  });

  it("wakes email delivery for the queued email; if the wake-up fails the request is still answered and the email waits", async () => {
    const woken: string[] = [];
    const deps = suite.deps({ onOutbox: (rows) => woken.push(...rows.map((row) => row.kind)) });
    await signUpPerson(deps, "gus");
    await requestPasswordReset(deps, { email: "gus@example.com" }, meta());
    expect(woken).toEqual(["password_reset"]);

    const failing = suite.deps({
      onOutbox: () => {
        throw new Error("delivery wake-up unavailable");
      },
    });
    await expect(requestPasswordReset(failing, { email: "gus@example.com" }, meta())).resolves.toBeDefined();
    expect(await resetEmails(suite.db, "gus@example.com")).toHaveLength(2);
    expect(failing.logger.entries.map((entry) => entry.level)).toContain("warn");
  });
});

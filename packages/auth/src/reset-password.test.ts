import { eq, users } from "@rekey/db";
import { describe, expect, it } from "vitest";
import { resetPassword } from "./reset-password";
import { getSession } from "./sessions";
import { signIn } from "./sign-in";
import { askForLink, changedNotices, meta, NEW_PASSWORD, PASSWORD, serviceSuite, signUpPerson, targets, type Deps, type Person } from "./testing";
import { verifyResetToken } from "./verify-reset-token";

describe.each(targets)("resetPassword on $name", (target) => {
  const suite = serviceSuite(target);

  const signInAs = (deps: Deps, person: Person, password: string, kind: "web" | "api" = "web") =>
    signIn(deps, { account: person.email, password }, kind, meta());

  it("sets the new password: it signs in, the old one no longer does", async () => {
    const deps = suite.deps();
    const alice = await signUpPerson(deps, "alice");
    const { token } = await askForLink(deps, alice.email);
    await resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta());

    await expect(signInAs(deps, alice, NEW_PASSWORD)).resolves.toMatchObject({ user: { id: alice.id } });
    await expect(signInAs(deps, alice, PASSWORD)).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
  });

  it("signs the account out everywhere (web and API sessions) and queues a 'password changed' email", async () => {
    const deps = suite.deps();
    const bob = await signUpPerson(deps, "bob");
    const web = await signInAs(deps, bob, PASSWORD, "web");
    const api = await signInAs(deps, bob, PASSWORD, "api");
    const carol = await signUpPerson(deps, "carol");
    const bystander = await signInAs(deps, carol, PASSWORD);

    const { token } = await askForLink(deps, bob.email);
    await resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta());

    expect(await getSession(deps, web.token)).toBeNull();
    expect(await getSession(deps, api.token)).toBeNull();
    expect(await getSession(deps, bystander.token)).toMatchObject({ user: { id: carol.id } });
    expect((await changedNotices(suite.db)).map((row) => row.recipient)).toEqual([bob.email]);
  });

  it("a link works once: using it again answers TOKEN_INVALID and changes nothing", async () => {
    const deps = suite.deps();
    const dave = await signUpPerson(deps, "dave");
    const { token } = await askForLink(deps, dave.email);
    await resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta());
    await expect(resetPassword(deps, { token, new_password: "Quartz-Lantern-Meadow-33" }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    await expect(signInAs(deps, dave, NEW_PASSWORD)).resolves.toBeDefined();
    expect(await changedNotices(suite.db)).toHaveLength(1);
  });

  it("of several resets racing with one link exactly one wins; the others get TOKEN_INVALID", async () => {
    const deps = suite.deps();
    const erin = await signUpPerson(deps, "erin");
    const { token } = await askForLink(deps, erin.email);
    const candidates = ["Amber-Falcon-River-11", "Birch-Comet-Harbor-22", "Cedar-Dune-Island-33", "Delta-Ember-Jungle-44"];
    const results = await Promise.allSettled(candidates.map((new_password) => resetPassword(deps, { token, new_password }, meta())));

    const won = results.flatMap((result, i) => (result.status === "fulfilled" ? [candidates[i]!] : []));
    expect(won).toHaveLength(1);
    for (const result of results) if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "TOKEN_INVALID" });
    await expect(signInAs(deps, erin, won[0]!)).resolves.toBeDefined();
    expect(await changedNotices(suite.db)).toHaveLength(1);
  });

  it("an expired link answers TOKEN_EXPIRED and leaves the password and sessions as they were", async () => {
    const deps = suite.deps({ env: { PASSWORD_RESET_TTL_SECONDS: "600" } });
    const fay = await signUpPerson(deps, "fay");
    const session = await signInAs(deps, fay, PASSWORD);
    const { token } = await askForLink(deps, fay.email);
    deps.clock.advance(600);
    await expect(resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta())).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
    await expect(signInAs(deps, fay, PASSWORD)).resolves.toBeDefined();
    expect(await getSession(deps, session.token)).not.toBeNull();
    expect(await changedNotices(suite.db)).toEqual([]);
  });

  it("refuses a new password that breaks a rule, naming the rule, and the link still works afterwards", async () => {
    const deps = suite.deps({ env: { PASSWORD_MIN_LENGTH: "10" } });
    const gus = await signUpPerson(deps, "gus");
    const { token } = await askForLink(deps, gus.email);
    const refusals: Array<[string, object]> = [
      ["Short-7x", { code: "PASSWORD_TOO_SHORT", params: { min: 10 } }],
      ["x".repeat(129), { code: "PASSWORD_TOO_LONG" }],
      ["password123", { code: "PASSWORD_TOO_COMMON" }],
      [PASSWORD, { code: "PASSWORD_UNCHANGED" }],
    ];
    for (const [new_password, failure] of refusals) {
      await expect(resetPassword(deps, { token, new_password }, meta()), new_password.slice(0, 20)).rejects.toMatchObject(failure);
    }
    await expect(signInAs(deps, gus, PASSWORD)).resolves.toBeDefined();
    await expect(verifyResetToken(deps, { token }, meta())).resolves.toMatchObject({ username: "gus" });
    await resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta());
    await expect(signInAs(deps, gus, NEW_PASSWORD)).resolves.toBeDefined();
  });

  it("answers USER_NOT_FOUND for an account disabled since the link was sent, and changes nothing", async () => {
    const deps = suite.deps();
    const hal = await signUpPerson(deps, "hal");
    const { token } = await askForLink(deps, hal.email);
    await suite.db.update(users).set({ status: "disabled" }).where(eq(users.id, hal.id));
    await expect(resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta())).rejects.toMatchObject({ code: "USER_NOT_FOUND" });
    expect(await changedNotices(suite.db)).toEqual([]);
  });

  it("past the per-IP limit refuses with RATE_LIMITED before touching the link", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "token_ip=1/1m" } });
    const ivy = await signUpPerson(deps, "ivy");
    const { token } = await askForLink(deps, ivy.email);
    await expect(resetPassword(deps, { token, new_password: "Short" }, meta("198.51.100.9"))).rejects.toMatchObject({ code: "PASSWORD_TOO_SHORT" });
    await expect(resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta("198.51.100.9"))).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfter: 60,
    });
    await resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta("198.51.100.10"));
    await expect(signInAs(deps, ivy, NEW_PASSWORD)).resolves.toBeDefined();
  });

  it("when waking delivery fails the reset still succeeds; operators get a warning with no link or password in it", async () => {
    const deps = suite.deps({
      onOutbox: () => {
        throw new Error("delivery wake-up unavailable");
      },
    });
    const jo = await signUpPerson(deps, "jo");
    const { token } = await askForLink(deps, jo.email);
    await expect(resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta())).resolves.toBeUndefined();
    expect(await changedNotices(suite.db, jo.email)).toHaveLength(1);

    const warnings = deps.logger.entries.filter((entry) => entry.level === "warn");
    expect(warnings.length).toBeGreaterThan(0);
    const leaks = deps.logger.lines().filter((line) => [token, PASSWORD, NEW_PASSWORD].some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });
});

import { eq, passwordResetTokens, users } from "@rekey/db";
import { describe, expect, it } from "vitest";
import { resetPassword } from "./reset-password";
import { askForLink, meta, NEW_PASSWORD, serviceSuite, signUpPerson, targets } from "./testing";
import { randomToken } from "./tokens";
import { verifyResetToken } from "./verify-reset-token";

describe.each(targets)("verifyResetToken on $name", (target) => {
  const suite = serviceSuite(target);

  it("says whose a live link is (address masked) and until when, without using it up", async () => {
    const deps = suite.deps();
    const alice = await signUpPerson(deps, "alice");
    const { token, expiresAt } = await askForLink(deps, alice.email);
    // Link scanners and a person reloading the page open the link many times.
    for (let i = 0; i < 3; i++) {
      expect(await verifyResetToken(deps, { token }, meta())).toEqual({ maskedEmail: "a***@example.com", username: "alice", expiresAt });
    }
    await expect(resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta())).resolves.toBeUndefined();
  });

  it("accepts a link until the last second of its lifetime, then answers TOKEN_EXPIRED", async () => {
    const deps = suite.deps({ env: { PASSWORD_RESET_TTL_SECONDS: "600" } });
    const bob = await signUpPerson(deps, "bob");
    const { token } = await askForLink(deps, bob.email);
    deps.clock.advance(599);
    await expect(verifyResetToken(deps, { token }, meta())).resolves.toMatchObject({ username: "bob" });
    deps.clock.advance(1);
    await expect(verifyResetToken(deps, { token }, meta())).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
  });

  it("refuses links that were never issued, are mangled, or are cut short with TOKEN_INVALID", async () => {
    const deps = suite.deps();
    const carol = await signUpPerson(deps, "carol");
    const { token } = await askForLink(deps, carol.email);
    for (const bad of [randomToken(), token.slice(0, -1), `${token} `, `${token}=`, "", "../../etc/passwd", "x".repeat(5000)]) {
      await expect(verifyResetToken(deps, { token: bad }, meta()), JSON.stringify(bad.slice(0, 50))).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    }
  });

  it("refuses a link once it was used to reset the password (TOKEN_INVALID)", async () => {
    const deps = suite.deps();
    const dave = await signUpPerson(deps, "dave");
    const { token } = await askForLink(deps, dave.email);
    await resetPassword(deps, { token, new_password: NEW_PASSWORD }, meta());
    await expect(verifyResetToken(deps, { token }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
  });

  it("answers USER_NOT_FOUND for a live link of an account that was disabled since", async () => {
    const deps = suite.deps();
    const erin = await signUpPerson(deps, "erin");
    const { token } = await askForLink(deps, erin.email);
    await suite.db.update(users).set({ status: "disabled" }).where(eq(users.id, erin.id));
    await expect(verifyResetToken(deps, { token }, meta())).rejects.toMatchObject({ code: "USER_NOT_FOUND" });
  });

  it("what the database keeps of a link does not work as a link (a database leak leaks no live link)", async () => {
    const deps = suite.deps();
    const fay = await signUpPerson(deps, "fay");
    await askForLink(deps, fay.email);
    const stored = await suite.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, fay.id));
    expect(stored).toHaveLength(1);
    for (const value of Object.values(stored[0]!)) {
      if (typeof value !== "string") continue;
      await expect(verifyResetToken(deps, { token: value }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    }
  });

  it("past the per-IP limit refuses with RATE_LIMITED and the wait, even for a good link; other IPs go on", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "token_ip=3/1m" } });
    const gus = await signUpPerson(deps, "gus");
    const { token } = await askForLink(deps, gus.email);
    for (const guess of [randomToken(), randomToken(), randomToken()]) {
      await expect(verifyResetToken(deps, { token: guess }, meta("203.0.113.66"))).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    }
    deps.clock.advance(20);
    await expect(verifyResetToken(deps, { token }, meta("203.0.113.66"))).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfter: 40 });
    await expect(verifyResetToken(deps, { token }, meta("203.0.113.67"))).resolves.toMatchObject({ username: "gus" });
    deps.clock.advance(40);
    await expect(verifyResetToken(deps, { token }, meta("203.0.113.66"))).resolves.toMatchObject({ username: "gus" });
  });
});

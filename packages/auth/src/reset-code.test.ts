import { eq, passwordResetTokens } from "@rekey/db";
import { describe, expect, it } from "vitest";
import { MAX_WRONG_CODES } from "./reset-token";
import { resetPassword } from "./reset-password";
import { signIn } from "./sign-in";
import { askForLink, meta, NEW_PASSWORD, serviceSuite, signUpPerson, targets } from "./testing";
import { sha256Hex } from "./tokens";
import { verifyResetToken } from "./verify-reset-token";

/** As the email shows it: `1234 5678`. */
const shown = (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`;
/** A code of the right shape that is not `code`. */
const other = (code: string) => String((Number(code) + 1) % 100_000_000).padStart(8, "0");

describe.each(targets)("resetting with the emailed code (CONTRACT §4a) on $name", (target) => {
  const suite = serviceSuite(target);

  it("the code from the email resets the password on another device, typed with or without the space, once", async () => {
    const deps = suite.deps();
    const amy = await signUpPerson(deps, "amy");
    const { code, expiresAt } = await askForLink(deps, amy.email);
    expect(code).toMatch(/^\d{8}$/);

    for (const typed of [code, shown(code), `${code.slice(0, 4)}-${code.slice(4)}`]) {
      expect(await verifyResetToken(deps, { email: amy.email, code: typed }, meta())).toEqual({
        maskedEmail: "a***@example.com",
        username: "amy",
        expiresAt,
      });
    }
    await resetPassword(deps, { email: amy.email, code: shown(code), new_password: NEW_PASSWORD }, meta());
    await expect(signIn(deps, { account: amy.email, password: NEW_PASSWORD }, "api", meta())).resolves.toMatchObject({ user: { id: amy.id } });
    await expect(signIn(deps, { account: amy.email, password: amy.password }, "api", meta())).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await expect(resetPassword(deps, { email: amy.email, code, new_password: "Another-Fresh-Passphrase-9" }, meta())).rejects.toMatchObject({
      code: "TOKEN_INVALID",
    });
  });

  it("the code lives exactly as long as its link", async () => {
    const deps = suite.deps({ env: { PASSWORD_RESET_TTL_SECONDS: "600" } });
    const ben = await signUpPerson(deps, "ben");
    const { code, token } = await askForLink(deps, ben.email);
    deps.clock.advance(599);
    await expect(verifyResetToken(deps, { email: ben.email, code }, meta())).resolves.toMatchObject({ username: "ben" });
    deps.clock.advance(1);
    await expect(verifyResetToken(deps, { email: ben.email, code }, meta())).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
    await expect(verifyResetToken(deps, { token }, meta())).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
  });

  it("an unknown address, another person's address or a malformed code all get the same TOKEN_INVALID", async () => {
    const deps = suite.deps();
    const cat = await signUpPerson(deps, "cat");
    const dan = await signUpPerson(deps, "dan");
    const { code } = await askForLink(deps, cat.email);
    for (const attempt of [
      { email: "nobody@example.com", code },
      { email: dan.email, code },
      { email: cat.email, code: "12345" },
      { email: cat.email, code: "abcdefgh" },
    ]) {
      await expect(verifyResetToken(deps, attempt, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    }
    await expect(verifyResetToken(deps, { email: cat.email, code }, meta())).resolves.toMatchObject({ username: "cat" });
  });

  it(`${MAX_WRONG_CODES} wrong codes for an address burn all its codes; its links keep working`, async () => {
    const deps = suite.deps();
    const eve = await signUpPerson(deps, "eve");
    const first = await askForLink(deps, eve.email);
    deps.clock.advance(5);
    const second = await askForLink(deps, eve.email);
    for (let i = 1; i < MAX_WRONG_CODES; i++) {
      await expect(verifyResetToken(deps, { email: eve.email, code: other(second.code) }, meta(`198.51.100.${i}`))).rejects.toMatchObject({
        code: "TOKEN_INVALID",
      });
    }
    // Four wrong guesses from four IPs: the right code still works.
    await expect(verifyResetToken(deps, { email: eve.email, code: second.code }, meta())).resolves.toMatchObject({ username: "eve" });
    await expect(verifyResetToken(deps, { email: eve.email, code: other(second.code) }, meta("198.51.100.99"))).rejects.toMatchObject({
      code: "TOKEN_INVALID",
    });
    // The fifth burnt both codes: the right ones now get the same answer as a guess.
    for (const code of [first.code, second.code]) {
      await expect(verifyResetToken(deps, { email: eve.email, code }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    }
    for (const token of [first.token, second.token])
      await expect(verifyResetToken(deps, { token }, meta())).resolves.toMatchObject({ username: "eve" });
    // Asking again brings a new code that works.
    deps.clock.advance(5);
    const third = await askForLink(deps, eve.email);
    await resetPassword(deps, { email: eve.email, code: third.code, new_password: NEW_PASSWORD }, meta());
  });

  it("code attempts count against the per-IP limit of verify and reset", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "token_ip=3/1m" } });
    const fay = await signUpPerson(deps, "fay");
    const { code } = await askForLink(deps, fay.email);
    for (let i = 0; i < 3; i++)
      await expect(verifyResetToken(deps, { email: fay.email, code: other(code) }, meta("203.0.113.7"))).rejects.toMatchObject({
        code: "TOKEN_INVALID",
      });
    await expect(verifyResetToken(deps, { email: fay.email, code }, meta("203.0.113.7"))).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(verifyResetToken(deps, { email: fay.email, code }, meta("203.0.113.8"))).resolves.toMatchObject({ username: "fay" });
  });

  it("stores no code, nor a plain hash of one", async () => {
    const deps = suite.deps();
    const gus = await signUpPerson(deps, "gus");
    const { code } = await askForLink(deps, gus.email);
    const [row] = await suite.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, gus.id));
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(code);
    expect(stored).not.toContain(sha256Hex(code));
    expect(row?.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

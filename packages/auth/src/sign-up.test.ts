import { describe, expect, it } from "vitest";
import { signIn } from "./sign-in";
import { signUp } from "./sign-up";
import { meta, PASSWORD, serviceSuite, targets } from "./testing";

describe.each(targets)("signUp on $name", (target) => {
  const suite = serviceSuite(target);

  it("creates an account that signs in at once, by email or username", async () => {
    const deps = suite.deps();
    const user = await signUp(deps, { email: "alice@example.com", username: "Alice", password: PASSWORD }, meta());
    expect(user).toMatchObject({ email: "alice@example.com", username: "Alice" });
    for (const account of ["alice@example.com", "Alice", "ALICE"]) {
      await expect(signIn(deps, { account, password: PASSWORD }, "api", meta()), account).resolves.toMatchObject({ user: { id: user.id } });
    }
  });

  it("refuses an address or a username already taken, ignoring case (EMAIL_TAKEN, USERNAME_TAKEN)", async () => {
    const deps = suite.deps();
    await signUp(deps, { email: "bob@example.com", username: "bob", password: PASSWORD }, meta());
    await expect(signUp(deps, { email: "BOB@example.com", username: "bobby", password: PASSWORD }, meta())).rejects.toMatchObject({
      code: "EMAIL_TAKEN",
    });
    await expect(signUp(deps, { email: "robert@example.com", username: "BOB", password: PASSWORD }, meta())).rejects.toMatchObject({
      code: "USERNAME_TAKEN",
    });
    // The first account is untouched: its password still signs in, the intruder's does not exist.
    await expect(signIn(deps, { account: "bob", password: PASSWORD }, "api", meta())).resolves.toBeDefined();
    await expect(signIn(deps, { account: "bobby", password: PASSWORD }, "api", meta())).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
  });

  it("of several sign-ups racing for one address exactly one gets the account; the others get EMAIL_TAKEN", async () => {
    const deps = suite.deps();
    const results = await Promise.allSettled(
      ["carol1", "carol2", "carol3", "carol4"].map((username) => signUp(deps, { email: "carol@example.com", username, password: PASSWORD }, meta())),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results) if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "EMAIL_TAKEN" });
  });

  it("refuses a password that breaks a rule (PASSWORD_MIN_LENGTH from configuration, the blocklist) and creates nothing", async () => {
    const deps = suite.deps({ env: { PASSWORD_MIN_LENGTH: "12" } });
    const attempt = (password: string) => signUp(deps, { email: "dave@example.com", username: "dave", password }, meta());
    await expect(attempt("Eleven-Char")).rejects.toMatchObject({ code: "PASSWORD_TOO_SHORT", params: { min: 12 } });
    await expect(attempt("x".repeat(129))).rejects.toMatchObject({ code: "PASSWORD_TOO_LONG" });
    await expect(attempt("qwertyuiop123")).rejects.toMatchObject({ code: "PASSWORD_TOO_COMMON" });
    // Nothing was created: the address is still free.
    await expect(attempt(PASSWORD)).resolves.toMatchObject({ email: "dave@example.com" });
  });

  it("counts a password's length as a person sees it (an emoji is one character)", async () => {
    const deps = suite.deps({ env: { PASSWORD_MIN_LENGTH: "8" } });
    const emojiOnly = "🔑🔒🔓🔐🗝🧷🪪"; // 7 characters as a person counts them, 14 UTF-16 units
    await expect(signUp(deps, { email: "erin@example.com", username: "erin", password: emojiOnly }, meta())).rejects.toMatchObject({
      code: "PASSWORD_TOO_SHORT",
    });
    await expect(signUp(deps, { email: "erin@example.com", username: "erin", password: `${emojiOnly}!` }, meta())).resolves.toBeDefined();
    await expect(signIn(deps, { account: "erin", password: `${emojiOnly}!` }, "api", meta())).resolves.toBeDefined();
  });

  it("past the per-IP limit refuses with RATE_LIMITED and the wait; another IP can still sign up", async () => {
    const deps = suite.deps({ env: { RATE_LIMITS: "signup_ip=2/1h" } });
    const attempt = (name: string, ip: string) => signUp(deps, { email: `${name}@example.com`, username: name, password: PASSWORD }, meta(ip));
    await attempt("fay1", "198.51.100.20");
    deps.clock.advance(600);
    await attempt("fay2", "198.51.100.20");
    await expect(attempt("fay3", "198.51.100.20")).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfter: 3000 });
    await expect(attempt("fay3", "198.51.100.21")).resolves.toMatchObject({ username: "fay3" });
  });
});

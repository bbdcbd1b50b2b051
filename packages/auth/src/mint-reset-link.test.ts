import { eq, users } from "@rekey/db";
import { describe, expect, it } from "vitest";
import { mintResetLink } from "./mint-reset-link";
import { requestPasswordReset } from "./request-password-reset";
import { resetPassword } from "./reset-password";
import { askForLink, meta, NEW_PASSWORD, resetEmails, serviceSuite, signUpPerson, targets, tokenOf, type Deps } from "./testing";
import { deriveResetToken } from "./tokens";
import { verifyResetToken } from "./verify-reset-token";

/** The email job's view: the request is queued, the job has not run yet. Returns the queued row's id. */
async function queueRequest(deps: Deps, email: string): Promise<string> {
  await requestPasswordReset(deps, { email }, meta());
  const rows = await resetEmails(deps.db, email);
  return rows[rows.length - 1]!.id;
}

describe.each(targets)("mintResetLink (the email job) on $name", (target) => {
  const suite = serviceSuite(target);

  it("for a known account, gives the link to email: under APP_URL, for that person, expiring when the answer said", async () => {
    const deps = suite.deps({ env: { APP_URL: "https://id.example.org/" } });
    const alice = await signUpPerson(deps, "alice");
    const { expiresAt } = await requestPasswordReset(deps, { email: alice.email }, meta());
    deps.clock.advance(3); // the job runs a moment later
    const [row] = await resetEmails(suite.db, alice.email);
    const minted = await mintResetLink(deps, row!.id);

    expect(minted).toMatchObject({ status: "send", user: { email: alice.email, username: "alice" }, expiresAt });
    if (minted.status !== "send") return;
    expect(minted.link.startsWith("https://id.example.org/reset-password?token=")).toBe(true);
    await expect(verifyResetToken(deps, { token: tokenOf(minted.link) }, meta())).resolves.toMatchObject({ username: "alice", expiresAt });
  });

  it("a retried job sends the very same link, never a second one", async () => {
    const deps = suite.deps();
    const bob = await signUpPerson(deps, "bob");
    const id = await queueRequest(deps, bob.email);
    const first = await mintResetLink(deps, id);
    deps.clock.advance(30);
    const retried = await mintResetLink(deps, id);
    expect(retried).toEqual(first);
    expect(first.status).toBe("send");
  });

  it("sends nothing for an address without an account, or an account disabled since the request", async () => {
    const deps = suite.deps();
    const carol = await signUpPerson(deps, "carol");
    expect(await mintResetLink(deps, await queueRequest(deps, "nobody@example.com"))).toEqual({ status: "skip", reason: "unknown_email" });

    const id = await queueRequest(deps, carol.email);
    await suite.db.update(users).set({ status: "disabled" }).where(eq(users.id, carol.id));
    expect(await mintResetLink(deps, id)).toEqual({ status: "skip", reason: "account_disabled" });
  });

  it("never sends a link after its lifetime: a job that runs too late sends nothing (the person can ask again)", async () => {
    const deps = suite.deps({ env: { PASSWORD_RESET_TTL_SECONDS: "600" } });
    const dave = await signUpPerson(deps, "dave");
    const late = await queueRequest(deps, dave.email);
    deps.clock.advance(600);
    expect(await mintResetLink(deps, late)).toEqual({ status: "skip", reason: "expired" });
    const { token } = await askForLink(deps, dave.email);
    await expect(verifyResetToken(deps, { token }, meta())).resolves.toMatchObject({ username: "dave" });
  });

  it("sends nothing for a request made before the password was changed, nor once its link was used", async () => {
    const deps = suite.deps();
    const erin = await signUpPerson(deps, "erin");
    const pending = await queueRequest(deps, erin.email);
    deps.clock.advance(1);
    const used = await askForLink(deps, erin.email);
    deps.clock.advance(1);
    await resetPassword(deps, { token: used.token, new_password: NEW_PASSWORD }, meta());

    expect(await mintResetLink(deps, pending)).toMatchObject({ status: "skip" });
    const [, usedRow] = await resetEmails(suite.db, erin.email);
    expect(await mintResetLink(deps, usedRow!.id)).toMatchObject({ status: "skip" });
  });

  it("gives each request its own link, and none of them works for another account", async () => {
    const deps = suite.deps();
    const fay = await signUpPerson(deps, "fay");
    const gus = await signUpPerson(deps, "gus");
    const forFay = await askForLink(deps, fay.email);
    const forGus = await askForLink(deps, gus.email);
    expect(forFay.token).not.toBe(forGus.token);
    await expect(verifyResetToken(deps, { token: forFay.token }, meta())).resolves.toMatchObject({ username: "fay" });
    await expect(verifyResetToken(deps, { token: forGus.token }, meta())).resolves.toMatchObject({ username: "gus" });
  });

  it("a copy of the database without AUTH_SECRET cannot recreate a sent link", async () => {
    const deps = suite.deps();
    const hal = await signUpPerson(deps, "hal");
    const id = await queueRequest(deps, hal.email);
    const sent = await mintResetLink(deps, id);
    if (sent.status !== "send") throw new Error(`expected a link, got ${sent.reason}`);
    // Everything a stolen copy holds (the row id, the stored hash) plus a guessed secret: not the link.
    const guessed = deriveResetToken("a-guessed-secret-0123456789abcdefghijklmnop", id);
    await expect(verifyResetToken(deps, { token: guessed }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    await expect(verifyResetToken(deps, { token: tokenOf(sent.link) }, meta())).resolves.toMatchObject({ username: "hal" });
  });

  it("a second request keeps the first email's link working; a fourth retires the oldest (CONTRACT §1)", async () => {
    const deps = suite.deps();
    const ida = await signUpPerson(deps, "ida");
    const links: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await queueRequest(deps, ida.email);
      const minted = await mintResetLink(deps, id);
      if (minted.status !== "send") throw new Error(`request ${i + 1}: ${minted.reason}`);
      links.push(tokenOf(minted.link));
      // Slow mail: the first email arrives after the second request; its link still works.
      if (i === 1) await expect(verifyResetToken(deps, { token: links[0]! }, meta())).resolves.toMatchObject({ username: "ida" });
      deps.clock.advance(5);
    }
    await expect(verifyResetToken(deps, { token: links[0]! }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    for (const token of links.slice(1)) await expect(verifyResetToken(deps, { token }, meta())).resolves.toMatchObject({ username: "ida" });

    // Completing a reset with any of them kills the others.
    await resetPassword(deps, { token: links[2]!, new_password: NEW_PASSWORD }, meta());
    for (const token of links) await expect(verifyResetToken(deps, { token }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
  });

  it("jobs that run out of order still leave the newest three requests live, and a retried older one is not revived", async () => {
    const deps = suite.deps();
    const jan = await signUpPerson(deps, "jan");
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(await queueRequest(deps, jan.email));
      deps.clock.advance(5);
    }
    const tokens = new Map<string, string>();
    for (const id of [ids[3]!, ids[0]!, ids[2]!, ids[1]!]) {
      const minted = await mintResetLink(deps, id);
      if (minted.status === "send") tokens.set(id, tokenOf(minted.link));
    }
    await expect(verifyResetToken(deps, { token: tokens.get(ids[0]!)! }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    for (const id of ids.slice(1))
      await expect(verifyResetToken(deps, { token: tokens.get(id)! }, meta())).resolves.toMatchObject({ username: "jan" });
    await expect(mintResetLink(deps, ids[0]!)).resolves.toEqual({ status: "skip", reason: "superseded" });
  });
});

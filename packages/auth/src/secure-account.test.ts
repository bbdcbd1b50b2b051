import { emailOutbox, eq } from "@rekey/db";
import { describe, expect, it } from "vitest";
import { resetPassword } from "./reset-password";
import { mintSecureAccountLink, reportPasswordChange, SECURE_ACCOUNT_TTL_SECONDS } from "./secure-account";
import { getSession } from "./sessions";
import { signIn } from "./sign-in";
import { askForLink, meta, NEW_PASSWORD, serviceSuite, signUpPerson, targets, tokenOf, type Deps, type Person } from "./testing";
import { verifyResetToken } from "./verify-reset-token";

const INTRUDER_PASSWORD = "Intruder-Chose-This-41";

/** Someone resets the person's password; returns the "this wasn't me" link of the notice it queued. */
async function intruderResets(deps: Deps, person: Person): Promise<string> {
  const { token } = await askForLink(deps, person.email, "203.0.113.66");
  await resetPassword(deps, { token, new_password: INTRUDER_PASSWORD }, meta("203.0.113.66"));
  const notices = await deps.db.select().from(emailOutbox).where(eq(emailOutbox.kind, "password_changed"));
  const notice = notices.find((row) => row.userId === person.id)!;
  const link = await mintSecureAccountLink(deps, notice);
  if (!link) throw new Error("no secure-account link");
  return link;
}

describe.each(targets)("'this wasn't me' (CONTRACT §4a) on $name", (target) => {
  const suite = serviceSuite(target);

  it("signs everyone out, kills live links and codes, and locks password sign-in until a reset", async () => {
    const deps = suite.deps();
    const ann = await signUpPerson(deps, "ann");
    const link = await intruderResets(deps, ann);
    expect(link.startsWith(`${deps.config.appUrl}/secure-account?token=`)).toBe(true);
    const intruder = await signIn(deps, { account: ann.email, password: INTRUDER_PASSWORD }, "api", meta("203.0.113.66"));
    const pending = await askForLink(deps, ann.email, "203.0.113.66");

    await reportPasswordChange(deps, { token: tokenOf(link) }, meta());

    expect(await getSession(deps, intruder.token)).toBeNull();
    await expect(verifyResetToken(deps, { token: pending.token }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    await expect(verifyResetToken(deps, { email: ann.email, code: pending.code }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    await expect(signIn(deps, { account: ann.email, password: INTRUDER_PASSWORD }, "api", meta())).rejects.toMatchObject({ code: "ACCOUNT_LOCKED" });
    // A wrong password still gets the ordinary answer: the lock tells nothing to someone without the password.
    await expect(signIn(deps, { account: ann.email, password: "Not-The-Password-00" }, "api", meta())).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });

    // The owner resets through the mailbox: the lock lifts and the new password works.
    const fresh = await askForLink(deps, ann.email);
    await resetPassword(deps, { token: fresh.token, new_password: NEW_PASSWORD }, meta());
    await expect(signIn(deps, { account: ann.email, password: NEW_PASSWORD }, "api", meta())).resolves.toMatchObject({ user: { id: ann.id } });
  });

  it("the link works once, for 7 days; a retried email job sends the same link", async () => {
    const deps = suite.deps();
    const bo = await signUpPerson(deps, "bo");
    const link = await intruderResets(deps, bo);
    const notice = (await deps.db.select().from(emailOutbox).where(eq(emailOutbox.kind, "password_changed")))[0]!;
    expect(await mintSecureAccountLink(deps, notice)).toBe(link);

    deps.clock.advance(SECURE_ACCOUNT_TTL_SECONDS);
    await expect(reportPasswordChange(deps, { token: tokenOf(link) }, meta())).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });

    const cy = await signUpPerson(deps, "cy");
    const other = await intruderResets(deps, cy);
    const twice = await Promise.allSettled([0, 1, 2].map(() => reportPasswordChange(deps, { token: tokenOf(other) }, meta())));
    expect(twice.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    await expect(reportPasswordChange(deps, { token: tokenOf(other) }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
  });

  it("a made-up or mangled link changes nothing", async () => {
    const deps = suite.deps();
    const di = await signUpPerson(deps, "di");
    await intruderResets(deps, di);
    for (const token of ["", "x".repeat(43), "not a token", `${"A".repeat(42)}!`]) {
      await expect(reportPasswordChange(deps, { token }, meta())).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    }
    await expect(signIn(deps, { account: di.email, password: INTRUDER_PASSWORD }, "api", meta())).resolves.toMatchObject({ user: { id: di.id } });
  });
});

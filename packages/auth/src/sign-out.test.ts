import { describe, expect, it } from "vitest";
import { getSession } from "./sessions";
import { signIn } from "./sign-in";
import { signOut } from "./sign-out";
import { meta, PASSWORD, serviceSuite, signUpPerson, targets } from "./testing";

describe.each(targets)("signOut on $name", (target) => {
  const suite = serviceSuite(target);

  it("ends this session only: its token stops working at once, the person's other devices stay signed in", async () => {
    const deps = suite.deps();
    await signUpPerson(deps, "alice");
    const laptop = await signIn(deps, { account: "alice", password: PASSWORD }, "web", meta("192.0.2.1"));
    const phone = await signIn(deps, { account: "alice", password: PASSWORD }, "api", meta("192.0.2.2"));

    await signOut(deps, (await getSession(deps, laptop.token))!, meta("192.0.2.1"));
    expect(await getSession(deps, laptop.token)).toBeNull();
    expect(await getSession(deps, phone.token)).toMatchObject({ kind: "api", user: { username: "alice" } });
  });

  it("signing out a session that already ended (another tab, a reset) is harmless and ends nothing else", async () => {
    const deps = suite.deps();
    await signUpPerson(deps, "bob");
    const first = await signIn(deps, { account: "bob", password: PASSWORD }, "web", meta());
    const second = await signIn(deps, { account: "bob", password: PASSWORD }, "web", meta());
    const session = (await getSession(deps, first.token))!;
    await signOut(deps, session, meta());
    await expect(signOut(deps, session, meta())).resolves.toBeUndefined();
    expect(await getSession(deps, second.token)).not.toBeNull();
  });

  it("after signing out, the person can sign in again with the same password", async () => {
    const deps = suite.deps();
    await signUpPerson(deps, "carol");
    const before = await signIn(deps, { account: "carol", password: PASSWORD }, "web", meta());
    await signOut(deps, (await getSession(deps, before.token))!, meta());
    const after = await signIn(deps, { account: "carol", password: PASSWORD }, "web", meta());
    expect(after.token).not.toBe(before.token);
    expect(await getSession(deps, after.token)).not.toBeNull();
  });
});

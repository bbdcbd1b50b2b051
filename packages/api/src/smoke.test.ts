import { testDatabases } from "@rekey/db/testing";
import { describe, expect, it } from "vitest";
import { REMOTE_ADDR_HEADER } from "./client-ip";
import { listMailbox } from "./mailbox";
import { callerFor } from "./testing";
import { failureOf, NEW_PASSWORD, PASSWORD, runtimeFor } from "./testing/flows";

const targets = await testDatabases();

/** The mailbox page as this machine sees it (CONTRACT §4: the embedded default's local mailbox). */
const LOOPBACK = new Headers({ [REMOTE_ADDR_HEADER]: "127.0.0.1", host: "localhost:3000" });
const LINK = /http:\/\/rekey\.test\/reset-password\?token=([A-Za-z0-9_-]+)/;

describe.each(targets)("a fresh runtime on $name", (target) => {
  it("answers the whole reset flow: sign up, request, the email, verify, reset, sign in with the new password", async () => {
    const t = await runtimeFor(target);
    try {
      const caller = callerFor(t.runtime, { transport: "rest" });
      const bearer = (token: string) => callerFor(t.runtime, { transport: "rest", headers: { authorization: `Bearer ${token}` } });

      const alice = await caller.auth.signUp({ email: "Alice@Example.com", username: "alice", password: PASSWORD });
      expect(alice).toMatchObject({ email: "alice@example.com", username: "alice" });
      const before = await caller.auth.signIn({ account: "alice", password: PASSWORD });

      // The fake clock stands at 2026-01-15T08:00:00Z; links live 10 minutes; times are shown in Asia/Shanghai.
      const requested = await caller.auth.passwordReset.request({ email: "alice@example.com" });
      expect(requested).toEqual({ expire_time: "2026-01-15 16:10:00", expire_at: "2026-01-15T16:10:00+08:00" });

      // The email job runs and the message lands in the local mailbox, with the link under APP_URL.
      await t.runtime.jobs.worker!.drain();
      const inbox = (await listMailbox(t.runtime, LOOPBACK)) ?? [];
      expect(inbox.map((message) => message.to)).toEqual(["alice@example.com"]);
      const [, token] = LINK.exec(inbox[0]!.text) ?? [];
      expect(token, inbox[0]!.text).toBeDefined();
      expect(inbox[0]!.html.replaceAll("&amp;", "&")).toContain(`reset-password?token=${token}`);

      t.clock.advance(60); // the person reads the email and opens the link
      expect(await caller.auth.passwordReset.verify({ token: token! })).toEqual({
        email: "a***@example.com",
        username: "alice",
        valid: true,
        ...requested,
      });
      expect(await caller.auth.passwordReset.reset({ token: token!, new_password: NEW_PASSWORD })).toBeNull();

      // The new password signs in; the old one and the old session no longer work; the link is spent.
      const after = await caller.auth.signIn({ account: "alice@example.com", password: NEW_PASSWORD });
      expect(await bearer(after.token!).auth.me()).toEqual({ id: alice.id, email: "alice@example.com", username: "alice" });
      expect(await failureOf(caller.auth.signIn({ account: "alice", password: PASSWORD }))).toMatchObject({ domainCode: "INVALID_CREDENTIALS" });
      expect(await failureOf(bearer(before.token!).auth.me())).toMatchObject({ trpcCode: "UNAUTHORIZED" });
      expect(await failureOf(caller.auth.passwordReset.reset({ token: token!, new_password: "Another-Pass-5521" }))).toMatchObject({
        domainCode: "TOKEN_INVALID",
      });

      // And the person is told their password changed.
      await t.runtime.jobs.worker!.drain();
      const mail = (await listMailbox(t.runtime, LOOPBACK)) ?? [];
      expect(mail).toHaveLength(2);
      expect(mail.every((message) => message.to === "alice@example.com")).toBe(true);
      expect(mail.filter((message) => LINK.test(message.text))).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it("answers an unknown address exactly as a known one, and mails it nothing", async () => {
    const t = await runtimeFor(target);
    try {
      const caller = callerFor(t.runtime, { transport: "rest" });
      await caller.auth.signUp({ email: "bob@example.com", username: "bob", password: PASSWORD });
      const known = await caller.auth.passwordReset.request({ email: "bob@example.com" });
      const unknown = await caller.auth.passwordReset.request({ email: "nobody@example.com" });
      expect(unknown).toEqual(known);
      await t.runtime.jobs.worker!.drain();
      expect(((await listMailbox(t.runtime, LOOPBACK)) ?? []).map((message) => message.to)).toEqual(["bob@example.com"]);
    } finally {
      await t.close();
    }
  });
});

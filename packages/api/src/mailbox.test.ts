import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REMOTE_ADDR_HEADER } from "./client-ip";
import { listMailbox, mayReadMailbox } from "./mailbox";
import type { TestRuntime } from "./testing";
import { createUser, requestReset, runtimeFor } from "./testing/flows";

const targets = await testDatabases();

/** The headers the page sees: the socket peer as server.mjs records it, the Host, and any forwarded chain. */
function seen(peer: string, host = "localhost:3000", forwardedFor?: string) {
  return new Headers({ [REMOTE_ADDR_HEADER]: peer, host, ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) });
}

describe.each(targets)("who may read the local mailbox on $name (CONTRACT §6)", (target) => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await runtimeFor(target);
    const user = await createUser(t.runtime);
    await requestReset(t.runtime, user.email);
    await t.runtime.jobs.worker!.drain();
  });
  afterAll(() => t?.close());

  it("shows this machine the reset emails with their links", async () => {
    for (const peer of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
      const messages = await listMailbox(t.runtime, seen(peer));
      expect(messages?.length, peer).toBe(1);
      expect(messages![0]!.text).toContain("token=");
    }
    expect(await listMailbox(t.runtime, seen("127.0.0.1", "127.0.0.1:3000"))).not.toBeNull();
    expect(await listMailbox(t.runtime, seen("127.0.0.1", "rekey.test"))).not.toBeNull();
  });

  it("shows nothing to another machine on the network, whatever it claims", async () => {
    expect(await listMailbox(t.runtime, seen("192.168.1.23"))).toBeNull();
    expect(await listMailbox(t.runtime, seen("10.0.0.7", "localhost:3000", "127.0.0.1"))).toBeNull();
    expect(await listMailbox(t.runtime, seen("fe80::1"))).toBeNull();
    expect(await listMailbox(t.runtime, seen(""))).toBeNull();
  });

  it("shows nothing to a web page that rebinds its own name to 127.0.0.1", async () => {
    expect(await listMailbox(t.runtime, seen("127.0.0.1", "evil.example:3000"))).toBeNull();
    expect(await listMailbox(t.runtime, seen("127.0.0.1", ""))).toBeNull();
  });
});

describe.each(targets)("the mailbox behind a trusted proxy on $name", (target) => {
  it("is shown only when the proxy forwards for this machine too", async () => {
    const t = await runtimeFor(target, { TRUST_PROXY: "1" });
    try {
      expect(mayReadMailbox(t.runtime, seen("127.0.0.1", "localhost", "127.0.0.1"))).toBe(true);
      expect(mayReadMailbox(t.runtime, seen("127.0.0.1", "localhost", "203.0.113.9"))).toBe(false);
    } finally {
      await t.close();
    }
  });

  it("is never shown where configuration serves no mailbox page", async () => {
    const t = await runtimeFor(target, { RESEND_API_KEY: "re_test_key_for_config_only", EMAIL_FROM: "Rekey <no-reply@rekey.test>" });
    try {
      expect(mayReadMailbox(t.runtime, seen("127.0.0.1"))).toBe(false);
    } finally {
      await t.close();
    }
  });
});

import { testDatabases } from "@rekey/db/testing";
import { describe, expect, it } from "vitest";
import { callerFor, createTestRuntime } from "./testing";

const targets = await testDatabases();

describe.each(targets)("smoke on $name", (target) => {
  it("signs up and verifies", async () => {
    const t = await createTestRuntime(target);
    try {
      const caller = callerFor(t.runtime, { transport: "rest" });
      const user = await caller.auth.signUp({ email: "A@Example.com", username: "alice", password: "correct horse battery" });
      expect(user.email).toBe("a@example.com");
      const res = await caller.auth.passwordReset.request({ email: "a@example.com" });
      expect(res.expire_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    } finally {
      await t.close();
    }
  });
});

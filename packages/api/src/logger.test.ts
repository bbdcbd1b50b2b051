import { Writable } from "node:stream";
import { testDatabases } from "@rekey/db/testing";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";
import { callerFor, TEST_SECRET } from "./testing";
import { mintToken, nextIp, requestReset, runtimeFor, sessionCookie, startRest } from "./testing/flows";

const targets = await testDatabases();

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, sink };
}

describe("createLogger", () => {
  it("redacts passwords, tokens, authorization and cookies even if a caller passes them", () => {
    const { lines, sink } = capture();
    const logger = createLogger("info", sink);
    logger.info(
      {
        password: "p-a-s-s-1",
        new_password: "p-a-s-s-2",
        token: "t-o-k-e-n-1",
        authorization: "Bearer b-e-a-r-e-r-1",
        cookie: "rekey_session=c-o-o-k-i-e-1",
        input: { password: "p-a-s-s-3", new_password: "p-a-s-s-4", token: "t-o-k-e-n-2" },
        headers: { authorization: "Bearer b-e-a-r-e-r-2", cookie: "rekey_session=c-o-o-k-i-e-2" },
        kept: "visible",
      },
      "with secrets",
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("visible");
    expect(lines[0]).toContain("[redacted]");
    expect(lines[0]).not.toMatch(/p-a-s-s|t-o-k-e-n|b-e-a-r-e-r|c-o-o-k-i-e/);
  });

  it("writes nothing below its level", () => {
    const { lines, sink } = capture();
    createLogger("warn", sink).info({ a: 1 }, "quiet");
    expect(lines).toEqual([]);
  });
});

describe.each(targets)("no secrets in logs on $name", (target) => {
  it("after a full flow, including a failure, no log line holds a token, a password or AUTH_SECRET", async () => {
    const t = await runtimeFor(target);
    const rest = await startRest(t.runtime);
    const secrets: string[] = [TEST_SECRET];
    try {
      const password = "First-Secret-Pass-81";
      const newPassword = "Second-Secret-Pass-92";
      const laterPassword = "Third-Secret-Pass-03";
      secrets.push(password, newPassword, laterPassword);

      expect((await rest.post("register", { email: "logs@example.com", username: "logs", password })).status).toBe(200);
      const login = await rest.post("login", { account: "logs", password });
      secrets.push(login.body.data.token as string);
      const web = callerFor(t.runtime, { transport: "web", ip: nextIp() });
      await web.auth.signIn({ account: "logs@example.com", password });
      secrets.push(sessionCookie(web.resHeaders).split("=")[1]!);

      expect((await rest.post("login", { account: "logs", password: newPassword })).status).toBe(401);
      expect((await rest.post("requestPasswordReset", { email: "logs@example.com" })).status).toBe(200);
      const token = await mintToken(t.runtime, await requestReset(t.runtime, "logs@example.com"));
      secrets.push(token);
      expect((await rest.post("verifyResetToken", { token })).status).toBe(200);
      expect((await rest.post("resetPassword", { token, new_password: password })).status).toBe(400);
      expect((await rest.post("resetPassword", { token, new_password: newPassword })).status).toBe(200);
      expect((await rest.post("resetPassword", { token, new_password: newPassword })).status).toBe(400);
      const again = await rest.post("login", { account: "logs@example.com", password: newPassword });
      secrets.push(again.body.data.token as string);
      expect((await rest.get("me", { authorization: `Bearer ${again.body.data.token as string}` })).status).toBe(200);
      expect((await rest.post("resetPassword", `{"token":"${token}","new_password":`)).status).toBe(400);

      // An unexpected fault is logged (with its error), still without the secrets of the request.
      await t.close();
      const fault = await rest.post("resetPassword", { token, new_password: laterPassword }, { authorization: `Bearer ${token}` });
      expect(fault.status).toBe(500);

      expect(t.logs.length).toBeGreaterThan(0);
      for (const line of t.logs) {
        for (const secret of secrets) expect(line, "a log line leaks a secret").not.toContain(secret);
      }
    } finally {
      await rest.close();
    }
  });
});

import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestRuntime, solvedCaptcha, type TestRuntime } from "./testing";

const [pglite] = (await testDatabases()).filter((t) => t.name === "pglite");

describe("captcha on the reset request", () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await createTestRuntime(pglite!);
  });
  afterAll(() => t.close());

  it("the web form is refused without a solved captcha", async () => {
    const caller = callerFor(t.runtime, { ip: "198.51.100.1" });
    await expect(caller.auth.passwordReset.request({ email: "x@example.com" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a solved captcha is accepted once, and refused when replayed", async () => {
    const caller = callerFor(t.runtime, { ip: "198.51.100.2" });
    const started = performance.now();
    const captcha = await solvedCaptcha(t.runtime);
    const solveMs = performance.now() - started;
    await expect(caller.auth.passwordReset.request({ email: "x@example.com", captcha })).resolves.toHaveProperty("expire_at");
    await expect(caller.auth.passwordReset.request({ email: "x@example.com", captcha })).rejects.toMatchObject({ code: "FORBIDDEN" });
    console.info(`captcha solved in ${Math.round(solveMs)} ms`);
  });

  it("an expired challenge is refused", async () => {
    const caller = callerFor(t.runtime, { ip: "198.51.100.3" });
    const captcha = await solvedCaptcha(t.runtime);
    t.clock.advance(6 * 60);
    await expect(caller.auth.passwordReset.request({ email: "x@example.com", captcha })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a challenge whose expiry was edited by the client is refused", async () => {
    const caller = callerFor(t.runtime, { ip: "198.51.100.5" });
    const payload = JSON.parse(Buffer.from(await solvedCaptcha(t.runtime), "base64").toString()) as {
      challenge: { parameters: { data: { exp: number } } };
    };
    t.clock.advance(6 * 60);
    payload.challenge.parameters.data.exp += 3600;
    const forged = Buffer.from(JSON.stringify(payload)).toString("base64");
    await expect(caller.auth.passwordReset.request({ email: "x@example.com", captcha: forged })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("REST clients need one only past the per-IP soft limit (CAPTCHA=adaptive)", async () => {
    const caller = callerFor(t.runtime, { ip: "198.51.100.4", transport: "rest" });
    for (let i = 0; i < 3; i++) await caller.auth.passwordReset.request({ email: `r${i}@example.com` });
    await expect(caller.auth.passwordReset.request({ email: "r9@example.com" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const captcha = await solvedCaptcha(t.runtime);
    await expect(caller.auth.passwordReset.request({ email: "r9@example.com", captcha })).resolves.toHaveProperty("expire_at");
  });
});

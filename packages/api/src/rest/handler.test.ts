import { validate, compileErrors } from "@readme/openapi-parser";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRuntime, solvedCaptcha, type TestRuntime } from "../testing";
import { RELAXED_LIMITS, startRest, type RestClient, type RestResponse, runtimeFor } from "../testing/flows";

const targets = await testDatabases();

const PARAM_ERROR = { status: 400, code: 501, msg: "参数错误" };

function expectParamError(res: RestResponse, path?: string) {
  expect(res.status).toBe(PARAM_ERROR.status);
  expect(res.body).toMatchObject({ code: PARAM_ERROR.code, msg: PARAM_ERROR.msg });
  expect(Array.isArray(res.body.data.issues)).toBe(true);
  expect(res.body.data.issues.length).toBeGreaterThan(0);
  if (path !== undefined) expect(res.body.data.issues.map((i: { path: string }) => i.path)).toContain(path);
}

describe.each(targets)("REST adapter basics on $name", (target) => {
  let t: TestRuntime;
  let rest: RestClient;
  beforeAll(async () => {
    t = await runtimeFor(target, { RATE_LIMITS: RELAXED_LIMITS });
    rest = await startRest(t.runtime);
  });
  afterAll(async () => {
    await rest?.close();
    await t?.close();
  });

  it("answers every path with the envelope {code,msg,data} as JSON, HTTP status = code", async () => {
    const responses = [
      await rest.post("requestPasswordReset", { email: "envelope@example.com" }),
      await rest.post("verifyResetToken", { token: "A".repeat(43) }),
      await rest.post("login", { account: "nobody", password: "whatever-pass" }),
      await rest.get("me"),
      await rest.post("nope", {}),
      await rest.get("login"),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 400, 401, 401, 404, 405]);
    for (const res of responses) {
      expect(Object.keys(res.body).sort()).toEqual(["code", "data", "msg"]);
      expect(res.body.code).toBe(res.status);
      expect(typeof res.body.msg).toBe("string");
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    }
  });

  it.each([
    ["malformed JSON", "requestPasswordReset", '{"email": "a@example.com"', ""],
    ["a JSON null body", "requestPasswordReset", "null", undefined],
    ["a JSON array body", "requestPasswordReset", "[]", undefined],
    ["a number for email", "requestPasswordReset", { email: 123 }, "email"],
    ["a missing email", "requestPasswordReset", {}, "email"],
    ["an email that is not one", "requestPasswordReset", { email: "not-an-email" }, "email"],
    ["a number for token", "verifyResetToken", { token: 5 }, "token"],
    ["a missing token", "verifyResetToken", {}, "token"],
    ["a missing new_password", "resetPassword", { token: "A".repeat(43) }, "new_password"],
    ["an array for new_password", "resetPassword", { token: "A".repeat(43), new_password: ["x"] }, "new_password"],
    ["a missing username", "register", { email: "reg@example.com", password: "Amber-Heron-3317" }, "username"],
    ["a username with spaces", "register", { email: "reg@example.com", username: "a b c", password: "Amber-Heron-3317" }, "username"],
    ["a missing password", "login", { account: "someone" }, "password"],
    ["an empty account", "login", { account: "", password: "Amber-Heron-3317" }, "account"],
    ["a NUL byte in the account", "login", { account: "dem\u0000o", password: "Amber-Heron-3317" }, "account"],
    ["a control character in the account", "login", { account: "demo\u001b[2J", password: "Amber-Heron-3317" }, "account"],
  ])("%s is 501 参数错误 (HTTP 400) with data.issues", async (_label, name, body, path) => {
    expectParamError(await rest.post(name, body), path);
  });

  it("words data.issues in the answer's language: Chinese by default, English with Accept-Language: en", async () => {
    const zh = await rest.post("register", { email: "not-an-email", username: "a b" });
    expectParamError(zh);
    expect(zh.body.data.issues).toEqual([
      { path: "email", message: "邮箱格式不正确" },
      { path: "username", message: "只能包含字母、数字、_ . -" },
      { path: "password", message: "缺少此字段" },
    ]);
    const en = await rest.post("register", { email: "not-an-email", username: "a b" }, { "accept-language": "en" });
    expect(en.body.data.issues).toEqual([
      { path: "email", message: "Not a valid email address" },
      { path: "username", message: "Letters, digits, '_', '.' and '-' only" },
      { path: "password", message: "This field is required" },
    ]);
    expect((await rest.post("login", '{"account":', {})).body.data.issues).toEqual([{ path: "", message: "请求体不是有效的 JSON" }]);
    expect((await rest.post("login", '{"account":', { "accept-language": "en" })).body.data.issues).toEqual([
      { path: "", message: "The body is not valid JSON" },
    ]);
  });

  it("refuses a body over 16 KiB with 501, whether declared or streamed, and accepts one of exactly 16 KiB", async () => {
    const sized = (bytes: number) => {
      const head = '{"email":"size@example.com","pad":"';
      return `${head}${"x".repeat(bytes - head.length - 2)}"}`;
    };
    expect(Buffer.byteLength(sized(16 * 1024))).toBe(16 * 1024);

    const atLimit = await rest.post("requestPasswordReset", sized(16 * 1024));
    expect(atLimit.status).toBe(200);

    const over = await rest.post("requestPasswordReset", sized(16 * 1024 + 1));
    expectParamError(over, "");

    const chunks = [sized(40 * 1024)];
    const streamed = await rest.fetch("/api/v1/user/requestPasswordReset", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      }),
      duplex: "half",
    } as RequestInit);
    expectParamError(streamed, "");
  });

  it.each([
    "/api/v1/user/nope",
    "/api/v1/user/",
    "/api/v1/user",
    "/api/v1/nothing",
    "/api/v1/user/constructor",
    "/api/v1/user/__proto__",
    "/api/v1/user/toString",
    "/api/v1/user/login/extra",
  ])("an unknown path %s is 404 接口不存在", async (path) => {
    const res = await rest.fetch(path, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 404, msg: "接口不存在", data: null });
  });

  it.each([
    ["GET", "requestPasswordReset", "POST"],
    ["GET", "verifyResetToken", "POST"],
    ["PUT", "resetPassword", "POST"],
    ["DELETE", "register", "POST"],
    ["GET", "login", "POST"],
    ["POST", "me", "GET"],
    ["GET", "logout", "POST"],
  ])("%s %s is 405 with Allow: %s", async (method, name, allow) => {
    const res = await rest.fetch(`/api/v1/user/${name}`, { method, body: method === "GET" ? undefined : "{}" });
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ code: 405, msg: "请求方法不允许", data: null });
    expect(res.headers.get("allow")).toBe(allow);
  });

  it("speaks Chinese by default and English with Accept-Language: en", async () => {
    const cases: Array<[Record<string, string>, string, string, string]> = [
      [{}, "zh", "接口不存在", "令牌无效"],
      [{ "accept-language": "en" }, "en", "No such endpoint", "Invalid token"],
      [{ "accept-language": "en-US,en;q=0.9" }, "en", "No such endpoint", "Invalid token"],
      [{ "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" }, "zh", "接口不存在", "令牌无效"],
      [{ "accept-language": "fr-FR" }, "zh", "接口不存在", "令牌无效"],
    ];
    for (const [headers, label, notFound, invalid] of cases) {
      expect((await rest.post("nope", {}, headers)).body.msg, label).toBe(notFound);
      expect((await rest.post("verifyResetToken", { token: "bad" }, headers)).body.msg, label).toBe(invalid);
    }
    const en = { "accept-language": "en" };
    expect((await rest.post("requestPasswordReset", { email: "lang@example.com" }, en)).body.msg).toBe(
      "A reset link has been sent to your email, valid for 10 minutes",
    );
    expect((await rest.post("requestPasswordReset", {}, en)).body.msg).toBe("Invalid parameters");
    expect((await rest.get("requestPasswordReset", en)).body.msg).toBe("Method not allowed");
    expect((await rest.get("me", en)).body).toEqual({ code: 401, msg: "Not signed in or session expired", data: null });
    expect((await rest.post("login", { account: "ghost", password: "Amber-Heron-3317" }, en)).body.msg).toBe("Incorrect account or password");
  });

  it("serves a valid OpenAPI 3.1 document of the eight paths", async () => {
    const res = await rest.fetch("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { headers?: object; content?: unknown }> }>>;
    };
    expect(doc.openapi).toMatch(/^3\.1\./);

    // Parsed afresh: the validator resolves and rewrites the document it is given.
    const result = await validate(JSON.parse(res.text) as Exclude<Parameters<typeof validate>[0], string>);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);

    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        "GET /api/v1/user/me",
        "POST /api/v1/user/login",
        "POST /api/v1/user/logout",
        "POST /api/v1/user/register",
        "POST /api/v1/user/reportPasswordChange",
        "POST /api/v1/user/requestPasswordReset",
        "POST /api/v1/user/resetPassword",
        "POST /api/v1/user/verifyResetToken",
      ].sort(),
    );
    const request = doc.paths["/api/v1/user/requestPasswordReset"]!.post!;
    expect(Object.keys(request.responses)).toEqual(expect.arrayContaining(["200", "400", "403", "404", "429", "500"]));
    expect(request.responses["429"]!.headers).toHaveProperty("Retry-After");
    // The success schema documents no token: the response never carries one.
    expect(JSON.stringify(request.responses["200"]!.content)).not.toContain("token");
    expect((await rest.fetch("/api/v1/openapi.json", { method: "POST" })).status).toBe(405);
  });
});

describe.each(targets)("REST captcha (CAPTCHA=adaptive, the default) on $name", (target) => {
  it("past the per-IP soft limit a reset request needs a solved captcha: 403 请完成人机验证 otherwise", async () => {
    const t = await createTestRuntime(target);
    const rest = await startRest(t.runtime);
    try {
      for (let i = 0; i < 3; i++) expect((await rest.post("requestPasswordReset", { email: `soft${i}@example.com` })).status).toBe(200);
      const refused = await rest.post("requestPasswordReset", { email: "soft9@example.com" });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 403, msg: "请完成人机验证" });
      expect(refused.body.data.challenge_url).toBe("http://rekey.test/api/captcha/challenge");
      const en = await rest.post("requestPasswordReset", { email: "soft9@example.com", captcha: "bm9wZQ==" }, { "accept-language": "en" });
      expect(en.status).toBe(403);
      expect(en.body.msg).toBe("Please complete the captcha");

      const challenge = await rest.fetch("/api/captcha/challenge");
      expect(challenge.status).toBe(200);
      const captcha = await solvedCaptcha(t.runtime);
      const accepted = await rest.post("requestPasswordReset", { email: "soft9@example.com", captcha });
      expect(accepted.status).toBe(200);
      expect(accepted.body.msg).toBe("重置链接已发送到您的邮箱，10分钟内有效");
    } finally {
      await rest.close();
      await t.close();
    }
  });
});

describe.each(targets)("REST adapter faults on $name", (target) => {
  it("answers an unexpected fault with 500 服务器错误 and no stack trace, and logs it", async () => {
    const t = await runtimeFor(target);
    const rest = await startRest(t.runtime);
    try {
      await t.close(); // the database goes away under a running server
      const res = await rest.post("requestPasswordReset", { email: "fault@example.com" });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ code: 500, msg: "服务器错误", data: null });
      expect(res.text).not.toMatch(/\bat\s|Error|stack|\.ts\b/);
      const en = await rest.post("requestPasswordReset", { email: "fault@example.com" }, { "accept-language": "en" });
      expect(en.body).toEqual({ code: 500, msg: "Server error", data: null });
      expect(t.logs.some((line) => line.includes("REST request failed"))).toBe(true);
    } finally {
      await rest.close();
    }
  });
});

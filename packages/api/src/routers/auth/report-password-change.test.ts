import { mintSecureAccountLink } from "@rekey/auth";
import { testDatabases } from "@rekey/db/testing";
import { describe, expect, it } from "vitest";
import { createUser, NEW_PASSWORD, outboxRows, resetTokenFor, restSuite } from "../../testing/flows";

const targets = await testDatabases();

describe.each(targets)("POST /api/v1/user/reportPasswordChange (CONTRACT §2, §4a) on $name", (target) => {
  const suite = restSuite(target);

  it("secures the account: 200 with the seed-style message, then password sign-in answers 403 账号已锁定 until a reset", async () => {
    const { t, rest } = suite;
    const user = await createUser(t.runtime);
    const stolen = "Someone-Else-Chose-77";
    expect((await rest.post("resetPassword", { token: await resetTokenFor(t.runtime, user.email), new_password: stolen })).status).toBe(200);
    const [notice] = await outboxRows(t.runtime, "password_changed", user.email);
    // What the email job puts in the "password changed" email.
    const link = await mintSecureAccountLink(t.runtime.deps, notice!);
    const token = new URL(link!).searchParams.get("token")!;

    const secured = await rest.post("reportPasswordChange", { token });
    expect(secured.status).toBe(200);
    expect(secured.body).toEqual({ code: 200, msg: "账户已保护：所有登录已退出，请通过找回密码设置新密码", data: null });
    const again = await rest.post("reportPasswordChange", { token });
    expect(again.body).toEqual({ code: 400, msg: "令牌无效", data: null });

    const locked = await rest.post("login", { account: user.email, password: stolen });
    expect(locked.status).toBe(403);
    expect(locked.body).toEqual({ code: 403, msg: "账号已锁定，请通过找回密码重新设置", data: null });
    const english = await rest.post("login", { account: user.email, password: stolen }, { "accept-language": "en" });
    expect(english.body).toMatchObject({ code: 403, msg: expect.stringMatching(/locked/i) });

    expect((await rest.post("resetPassword", { token: await resetTokenFor(t.runtime, user.email), new_password: NEW_PASSWORD })).status).toBe(200);
    expect((await rest.post("login", { account: user.email, password: NEW_PASSWORD })).status).toBe(200);
  });

  it("refuses a missing token with 501 and a made-up one with 400 令牌无效", async () => {
    const { rest } = suite;
    expect((await rest.post("reportPasswordChange", {})).body).toMatchObject({ code: 501, msg: "参数错误" });
    expect((await rest.post("reportPasswordChange", { token: "A".repeat(43) })).body).toEqual({ code: 400, msg: "令牌无效", data: null });
  });
});

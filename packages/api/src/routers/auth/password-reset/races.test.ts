import { mintResetLink } from "@rekey/auth";
import { eq, passwordResetTokens } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, type TestRuntime } from "../../../testing";
import {
  createUser,
  failureOf,
  mintToken,
  nextIp,
  outboxRows,
  RELAXED_LIMITS,
  requestReset,
  startRest,
  type RestClient,
  runtimeFor,
} from "../../../testing/flows";

const targets = await testDatabases();

describe.each(targets)("reset links under races on $name", (target) => {
  let t: TestRuntime;
  let rest: RestClient;
  beforeAll(async () => {
    // Four requests for one address within a window: past the default per-address limit of 3.
    t = await runtimeFor(target, { RATE_LIMITS: `${RELAXED_LIMITS},reset_email=100/15m` });
    rest = await startRest(t.runtime);
  });
  afterAll(async () => {
    await rest?.close();
    await t?.close();
  });

  const verify = (token: string) => callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.verify({ token });

  it("of two requests both links work, whichever the job mints first, until one of them resets the password", async () => {
    for (const order of [
      [0, 1],
      [1, 0],
    ]) {
      const user = await createUser(t.runtime);
      const ids = [await requestReset(t.runtime, user.email)];
      t.clock.advance(1);
      ids.push(await requestReset(t.runtime, user.email));
      const tokens: string[] = [];
      for (const i of order) tokens[i] = await mintToken(t.runtime, ids[i]!);
      for (const token of tokens) await expect(verify(token)).resolves.toMatchObject({ valid: true });
      expect((await rest.post("resetPassword", { token: tokens[0], new_password: "Older-Link-Still-Works-1" })).status).toBe(200);
      expect(await failureOf(verify(tokens[1]!))).toMatchObject({ domainCode: "TOKEN_INVALID" });
    }
  });

  it("four requests minted concurrently leave exactly the newest three live", async () => {
    const user = await createUser(t.runtime);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(await requestReset(t.runtime, user.email));
      t.clock.advance(1);
    }
    // The jobs race; minting is serialised per account, whatever order it lands in.
    const minted = await Promise.all(ids.map((id) => mintResetLink(t.runtime.deps, id)));
    const tokens = minted.map((m) => (m.status === "send" ? new URL(m.link).searchParams.get("token")! : null));
    const live = await Promise.all(
      tokens.map(async (token) => (token ? (await Promise.allSettled([verify(token)]))[0]!.status === "fulfilled" : false)),
    );
    expect(live).toEqual([false, true, true, true]);
  });

  it("minting twice for one request returns the same link and stores one token", async () => {
    const user = await createUser(t.runtime);
    const id = await requestReset(t.runtime, user.email);
    const first = await mintResetLink(t.runtime.deps, id);
    const again = await mintResetLink(t.runtime.deps, id);
    expect(first.status).toBe("send");
    expect(again).toEqual(first);
    const [x, y] = await Promise.all([mintResetLink(t.runtime.deps, id), mintResetLink(t.runtime.deps, id)]);
    expect(x).toEqual(first);
    expect(y).toEqual(first);
    const rows = await t.runtime.deps.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.outboxId, id));
    expect(rows).toHaveLength(1);
    if (first.status === "send") await expect(verify(new URL(first.link).searchParams.get("token")!)).resolves.toMatchObject({ valid: true });
  });

  it("a retried mint after the link was used does not bring it back", async () => {
    const user = await createUser(t.runtime);
    const id = await requestReset(t.runtime, user.email);
    const token = await mintToken(t.runtime, id);
    expect((await rest.post("resetPassword", { token, new_password: "Used-Once-Only-2" })).status).toBe(200);
    const retried = await mintResetLink(t.runtime.deps, id);
    expect(retried.status).toBe("skip");
    expect(await failureOf(verify(token))).toMatchObject({ domainCode: "TOKEN_INVALID" });
  });

  it("50 concurrent resets with one token: exactly one wins, 49 get TOKEN_INVALID", async () => {
    const user = await createUser(t.runtime);
    const token = await mintToken(t.runtime, await requestReset(t.runtime, user.email));
    const passwords = Array.from({ length: 50 }, (_, i) => `Racing-Pass-${i}-xq`);
    const results = await Promise.allSettled(
      passwords.map((new_password) => callerFor(t.runtime, { ip: nextIp() }).auth.passwordReset.reset({ token, new_password })),
    );

    const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    expect(winners).toHaveLength(1);
    const losers = await Promise.all(
      results.filter((r) => r.status === "rejected").map((r) => failureOf(Promise.reject((r as PromiseRejectedResult).reason))),
    );
    expect(losers).toHaveLength(49);
    expect(new Set(losers.map((f) => `${f.trpcCode}/${f.domainCode}`))).toEqual(new Set(["BAD_REQUEST/TOKEN_INVALID"]));

    // The winner's password is the one that counts; the password changed exactly once.
    const winner = passwords[winners[0]!]!;
    const loser = passwords[(winners[0]! + 1) % 50]!;
    expect((await rest.post("login", { account: user.email, password: winner })).status).toBe(200);
    expect((await rest.post("login", { account: user.email, password: loser })).status).toBe(401);
    expect(await outboxRows(t.runtime, "password_changed", user.email)).toHaveLength(1);
  });

  it("concurrent resets over HTTP: one 200, the rest 400 令牌无效", async () => {
    const user = await createUser(t.runtime);
    const token = await mintToken(t.runtime, await requestReset(t.runtime, user.email));
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => rest.post("resetPassword", { token, new_password: `Http-Race-${i}-zz` })),
    );
    const ok = responses.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const res of responses.filter((r) => r.status !== 200)) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 400, msg: "令牌无效", data: null });
    }
    expect(await outboxRows(t.runtime, "password_changed", user.email)).toHaveLength(1);
  });
});

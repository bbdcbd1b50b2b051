import { PASSWORD_MAX_LENGTH } from "@rekey/validators";
import { describe, expect, it } from "vitest";
import { AuthError } from "./errors";
import { assertPasswordAcceptable, commonPasswordCount, hashPassword, isCommonPassword, verifyPassword } from "./password";

const GOOD = "Velvet-Otter-4821";

async function refusal(password: string, options: Parameters<typeof assertPasswordAcceptable>[1]): Promise<AuthError> {
  try {
    await assertPasswordAcceptable(password, options);
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error(`"${password}" was accepted`);
}

describe("assertPasswordAcceptable", () => {
  it("accepts a good password", async () => {
    await expect(assertPasswordAcceptable(GOOD, { minLength: 6 })).resolves.toBeUndefined();
  });

  it("refuses one shorter than the configured minimum, naming the minimum", async () => {
    const error = await refusal("Vq9#kz7", { minLength: 8 });
    expect(error.code).toBe("PASSWORD_TOO_SHORT");
    expect(error.params).toEqual({ min: 8 });
    await expect(assertPasswordAcceptable("Vq9#kz7!", { minLength: 8 })).resolves.toBeUndefined();
  });

  it("follows the minimum it is given (the seed's 6 by default)", async () => {
    expect((await refusal("Vq9#k", { minLength: 6 })).code).toBe("PASSWORD_TOO_SHORT");
    await expect(assertPasswordAcceptable("Vq9#kz", { minLength: 6 })).resolves.toBeUndefined();
    expect((await refusal("Vq9#kz7!xw", { minLength: 12 })).params).toEqual({ min: 12 });
  });

  it("counts characters as a person sees them (code points), not UTF-16 units", async () => {
    // Five emoji are ten UTF-16 units but five characters.
    expect((await refusal("🦊🐙🦉🐝🦀", { minLength: 6 })).code).toBe("PASSWORD_TOO_SHORT");
    await expect(assertPasswordAcceptable("🦊🐙🦉🐝🦀🐢", { minLength: 6 })).resolves.toBeUndefined();
  });

  it(`refuses one longer than ${PASSWORD_MAX_LENGTH}, naming the maximum`, async () => {
    const long = "Zq7-".repeat(32); // 128
    await expect(assertPasswordAcceptable(long, { minLength: 6 })).resolves.toBeUndefined();
    const error = await refusal(`${long}x`, { minLength: 6 });
    expect(error.code).toBe("PASSWORD_TOO_LONG");
    expect(error.params).toEqual({ max: 128 });
  });

  it.each(["password1", "PASSWORD1", "PassWord1", "123456", "qwerty123", "iloveyou"])(
    "refuses the common password %s whatever its case",
    async (password) => {
      expect((await refusal(password, { minLength: 6 })).code).toBe("PASSWORD_TOO_COMMON");
    },
  );

  it("refuses the current password and accepts a different one", async () => {
    const currentHash = await hashPassword(GOOD);
    expect((await refusal(GOOD, { minLength: 6, currentHash })).code).toBe("PASSWORD_UNCHANGED");
    await expect(assertPasswordAcceptable("Amber-Heron-3317", { minLength: 6, currentHash })).resolves.toBeUndefined();
  });

  it("treats a different case of the current password as a different password", async () => {
    const currentHash = await hashPassword(GOOD);
    await expect(assertPasswordAcceptable(GOOD.toUpperCase(), { minLength: 6, currentHash })).resolves.toBeUndefined();
  });
});

describe("the shipped blocklist", () => {
  it("holds at least 10,000 passwords", () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
  });

  it("matches case-insensitively and leaves strong passwords alone", () => {
    expect(isCommonPassword("Password1")).toBe(true);
    expect(isCommonPassword("DRAGON")).toBe(true);
    expect(isCommonPassword(GOOD)).toBe(false);
  });
});

describe("hashPassword / verifyPassword", () => {
  it("stores an argon2id hash that verifies only the right password", async () => {
    const hash = await hashPassword(GOOD);
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(hash).not.toContain(GOOD);
    await expect(verifyPassword(hash, GOOD)).resolves.toBe(true);
    await expect(verifyPassword(hash, `${GOOD}x`)).resolves.toBe(false);
  });

  it("salts: one password hashes differently twice", async () => {
    expect(await hashPassword(GOOD)).not.toBe(await hashPassword(GOOD));
  });

  it("answers false, not an exception, for a damaged hash", async () => {
    await expect(verifyPassword("not-a-hash", GOOD)).resolves.toBe(false);
  });
});

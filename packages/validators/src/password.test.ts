import { describe, expect, it } from "vitest";
import { PASSWORD_MAX_LENGTH, commonPasswords, passwordProblem, passwordRuleStates } from "./password";

const blocklist = commonPasswords(["password1", "Dragon"]);
const policy = { minLength: 6, isCommon: blocklist.has };

describe("the password policy", () => {
  it.each([
    ["", "PASSWORD_TOO_SHORT"],
    ["Vq9#k", "PASSWORD_TOO_SHORT"],
    ["🦊🐙🦉🐝🦀", "PASSWORD_TOO_SHORT"],
    ["Vq9#kz", null],
    ["🦊🐙🦉🐝🦀🐢", null],
    ["Zq7-".repeat(32), null],
    [`${"Zq7-".repeat(32)}x`, "PASSWORD_TOO_LONG"],
    ["PassWord1", "PASSWORD_TOO_COMMON"],
    ["dragon", "PASSWORD_TOO_COMMON"],
  ])("answers %j with %s, and the checklist shows an unmet rule exactly when it is refused", (password, code) => {
    const problem = passwordProblem(password, policy);
    expect(problem?.code ?? null).toBe(code);
    const unmet = Object.entries(passwordRuleStates(password, policy))
      .filter(([, met]) => !met)
      .map(([rule]) => rule);
    expect(unmet[0]).toBe(problem?.rule);
  });

  it("names the limit it refuses, as the page's message does", () => {
    expect(passwordProblem("Vq9#kz7", { ...policy, minLength: 8 })?.params).toEqual({ min: 8 });
    expect(passwordProblem("x".repeat(PASSWORD_MAX_LENGTH + 1), policy)?.params).toEqual({ max: PASSWORD_MAX_LENGTH });
  });
});

import { describe, expect, it } from "vitest";
import { fill } from "./errors";
import { localeFromAcceptLanguage, localeOrDefault, pageLocale, parseLocale } from "./locale";

describe("locale rules", () => {
  it("reads the first preference of Accept-Language: English only when it comes first", () => {
    expect(localeFromAcceptLanguage("en-US,en;q=0.9")).toBe("en");
    expect(localeFromAcceptLanguage("EN")).toBe("en");
    expect(localeFromAcceptLanguage("zh-CN,en;q=0.8")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("fr")).toBe("zh-CN");
    expect(localeFromAcceptLanguage(null)).toBe("zh-CN");
  });

  it("accepts only our locales from a cookie or a row, and falls back to Chinese", () => {
    expect(parseLocale("en")).toBe("en");
    expect(parseLocale("zh-CN")).toBe("zh-CN");
    expect(parseLocale("zh-cn")).toBeUndefined();
    expect(localeOrDefault("de")).toBe("zh-CN");
    expect(localeOrDefault(undefined)).toBe("zh-CN");
  });
});

describe("page locale", () => {
  it("follows the browser's Accept-Language on a first visit, and the remembered choice after", () => {
    expect(pageLocale(undefined, "en-US,en;q=0.9")).toBe("en");
    expect(pageLocale(undefined, "zh-CN,zh;q=0.9")).toBe("zh-CN");
    expect(pageLocale(undefined, null)).toBe("zh-CN");
    expect(pageLocale("zh-CN", "en-US")).toBe("zh-CN");
    expect(pageLocale("en", "zh-CN")).toBe("en");
    // A cookie that is none of ours counts as no choice.
    expect(pageLocale("de", "en")).toBe("en");
  });
});

describe("fill", () => {
  it("fills placeholders from the params given, and leaves the others as written", () => {
    expect(fill("至少 {min} 个字符，最多 {max}", { min: 8 })).toBe("至少 8 个字符，最多 {max}");
    // Inherited properties are not params: a message never shows a function's source.
    expect(fill("{constructor} {toString}", {})).toBe("{constructor} {toString}");
  });
});

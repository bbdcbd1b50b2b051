import { describe, expect, it } from "vitest";
import { expiryFields, formatIsoWithOffset, formatLocalTime } from "./time";

const AT = new Date("2025-11-19T10:45:00.000Z");

describe("formatLocalTime (the seed's YYYY-MM-DD HH:mm:ss)", () => {
  it.each([
    ["Asia/Shanghai", "2025-11-19 18:45:00"],
    ["UTC", "2025-11-19 10:45:00"],
    ["Asia/Kolkata", "2025-11-19 16:15:00"],
    ["Asia/Kathmandu", "2025-11-19 16:30:00"],
    ["America/St_Johns", "2025-11-19 07:15:00"],
  ])("in %s", (zone, expected) => {
    expect(formatLocalTime(AT, zone)).toBe(expected);
  });

  it("rolls the date over at local midnight and writes 00, never 24", () => {
    const midnight = new Date("2025-12-31T16:00:00.000Z");
    expect(formatLocalTime(midnight, "Asia/Shanghai")).toBe("2026-01-01 00:00:00");
    expect(formatLocalTime(midnight, "UTC")).toBe("2025-12-31 16:00:00");
  });

  it("drops milliseconds instead of rounding up", () => {
    expect(formatLocalTime(new Date("2025-11-19T10:45:59.999Z"), "UTC")).toBe("2025-11-19 10:45:59");
  });
});

describe("formatIsoWithOffset", () => {
  it.each([
    ["Asia/Shanghai", "2025-11-19T18:45:00+08:00"],
    ["UTC", "2025-11-19T10:45:00+00:00"],
    ["Asia/Kolkata", "2025-11-19T16:15:00+05:30"],
    ["Asia/Kathmandu", "2025-11-19T16:30:00+05:45"],
    ["America/St_Johns", "2025-11-19T07:15:00-03:30"],
  ])("in %s", (zone, expected) => {
    expect(formatIsoWithOffset(AT, zone)).toBe(expected);
  });

  it("follows daylight saving time", () => {
    expect(formatIsoWithOffset(new Date("2025-07-01T12:00:00Z"), "America/New_York")).toBe("2025-07-01T08:00:00-04:00");
    expect(formatIsoWithOffset(new Date("2025-01-15T12:00:00Z"), "America/New_York")).toBe("2025-01-15T07:00:00-05:00");
    expect(formatIsoWithOffset(new Date("2025-07-01T12:00:00Z"), "America/St_Johns")).toBe("2025-07-01T09:30:00-02:30");
  });

  it("names the same instant, to the second, whatever the zone", () => {
    const at = new Date("2026-03-29T01:30:42.750Z");
    for (const zone of ["Asia/Shanghai", "UTC", "Asia/Kathmandu", "America/St_Johns", "Europe/Berlin", "Pacific/Chatham"]) {
      expect(new Date(formatIsoWithOffset(at, zone)).getTime(), zone).toBe(Date.parse("2026-03-29T01:30:42Z"));
    }
  });

  it("agrees with formatLocalTime on the wall clock", () => {
    for (const zone of ["Asia/Shanghai", "UTC", "Asia/Kolkata"]) {
      const [date, time] = formatLocalTime(AT, zone).split(" ");
      expect(formatIsoWithOffset(AT, zone).startsWith(`${date}T${time}`)).toBe(true);
    }
  });
});

describe("expiryFields", () => {
  it("returns both renderings", () => {
    expect(expiryFields(AT, "Asia/Shanghai")).toEqual({
      expire_time: "2025-11-19 18:45:00",
      expire_at: "2025-11-19T18:45:00+08:00",
    });
  });
});

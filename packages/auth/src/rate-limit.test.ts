import { describe, expect, it } from "vitest";
import { ipSubject } from "./rate-limit";

describe("ipSubject: whom a per-IP limit counts", () => {
  it("counts an IPv4 address on its own", () => {
    expect(ipSubject("203.0.113.9")).toBe("203.0.113.9");
    expect(ipSubject("203.0.113.10")).not.toBe(ipSubject("203.0.113.9"));
  });

  it("counts every address of one IPv6 /64 as one client, however it is written", () => {
    const subject = ipSubject("2001:db8:1:2::1");
    expect(subject).toBe("2001:db8:1:2::/64");
    for (const ip of ["2001:db8:1:2:ffff:eeee:dddd:cccc", "2001:0DB8:0001:0002:0:0:0:9", "2001:db8:1:2::"]) {
      expect(ipSubject(ip), ip).toBe(subject);
    }
    expect(ipSubject("2001:db8:1:3::1")).not.toBe(subject);
    expect(ipSubject("::1")).toBe("0:0:0:0::/64");
    expect(ipSubject("fe80::1:2:3:4")).toBe("fe80:0:0:0::/64");
  });

  it("puts requests with no known address together", () => {
    expect(ipSubject(null)).toBe("unknown");
  });
});

import { describe, expect, it } from "vitest";
import { clientIp, REMOTE_ADDR_HEADER } from "./client-ip";

function headers(peer: string | null, forwardedFor?: string): Headers {
  const h = new Headers();
  if (peer !== null) h.set(REMOTE_ADDR_HEADER, peer);
  if (forwardedFor !== undefined) h.set("x-forwarded-for", forwardedFor);
  return h;
}

describe("clientIp", () => {
  describe("TRUST_PROXY=0", () => {
    it("is the socket peer and ignores X-Forwarded-For", () => {
      expect(clientIp(headers("192.0.2.7", "203.0.113.99"), 0)).toBe("192.0.2.7");
      expect(clientIp(headers("192.0.2.7", "1.1.1.1, 203.0.113.99"), 0)).toBe("192.0.2.7");
    });

    it("is null when the peer is unknown, even with X-Forwarded-For", () => {
      expect(clientIp(headers(null, "203.0.113.99"), 0)).toBeNull();
      expect(clientIp(headers(""), 0)).toBeNull();
    });
  });

  describe("TRUST_PROXY=1", () => {
    it("takes the right-most entry, the one our proxy appended", () => {
      expect(clientIp(headers("10.0.0.1", "203.0.113.7"), 1)).toBe("203.0.113.7");
    });

    it("ignores entries the client wrote itself further left", () => {
      expect(clientIp(headers("10.0.0.1", "1.2.3.4, 5.6.7.8, 203.0.113.7"), 1)).toBe("203.0.113.7");
    });

    it("falls back to the peer without X-Forwarded-For", () => {
      expect(clientIp(headers("10.0.0.1"), 1)).toBe("10.0.0.1");
      expect(clientIp(headers("10.0.0.1", " , "), 1)).toBe("10.0.0.1");
    });

    it("trims spaces around entries", () => {
      expect(clientIp(headers("10.0.0.1", "  1.2.3.4 ,   203.0.113.7  "), 1)).toBe("203.0.113.7");
    });
  });

  describe("TRUST_PROXY=2", () => {
    it("takes the second entry from the right (what the outer proxy saw)", () => {
      expect(clientIp(headers("10.0.0.2", "198.51.100.4, 10.0.0.1"), 2)).toBe("198.51.100.4");
    });

    it("ignores a spoofed entry further left", () => {
      expect(clientIp(headers("10.0.0.2", "6.6.6.6, 198.51.100.4, 10.0.0.1"), 2)).toBe("198.51.100.4");
    });
  });

  describe("IPv4-mapped IPv6", () => {
    it("maps ::ffff:a.b.c.d to a.b.c.d, so one client has one key", () => {
      expect(clientIp(headers("::ffff:192.0.2.7"), 0)).toBe("192.0.2.7");
      expect(clientIp(headers("10.0.0.1", "::ffff:203.0.113.7"), 1)).toBe("203.0.113.7");
    });

    it("leaves real IPv6 addresses alone", () => {
      expect(clientIp(headers("::1"), 0)).toBe("::1");
      expect(clientIp(headers("2001:db8::1"), 0)).toBe("2001:db8::1");
      expect(clientIp(headers("::ffff:c000:207"), 0)).toBe("::ffff:c000:207");
    });
  });
});

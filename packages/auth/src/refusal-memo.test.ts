import { describe, expect, it } from "vitest";
import { RefusalMemo } from "./refusal-memo";

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

describe("RefusalMemo", () => {
  it("refuses a remembered client until its window ends, with the seconds left rounded up", () => {
    const memo = new RefusalMemo();
    memo.remember("reset_ip:203.0.113.7", at(900), at(0));
    expect(memo.retryAfter("reset_ip:203.0.113.7", at(0))).toBe(900);
    expect(memo.retryAfter("reset_ip:203.0.113.7", at(299.5))).toBe(601);
    expect(memo.retryAfter("reset_ip:203.0.113.8", at(1))).toBeNull();
    expect(memo.retryAfter("token_ip:203.0.113.7", at(1))).toBeNull();
    expect(memo.retryAfter("reset_ip:203.0.113.7", at(900))).toBeNull();
    // Forgotten once ended: a later window is the database's to decide.
    expect(memo.retryAfter("reset_ip:203.0.113.7", at(0))).toBeNull();
  });

  it("ignores a window that has already ended", () => {
    const memo = new RefusalMemo();
    memo.remember("token_ip:198.51.100.1", at(60), at(60));
    expect(memo.retryAfter("token_ip:198.51.100.1", at(59))).toBeNull();
  });

  it("holds at most its capacity, dropping the oldest clients first", () => {
    const memo = new RefusalMemo(100);
    for (let i = 0; i < 1_000; i++) memo.remember(`reset_ip:10.0.${i >> 8}.${i & 255}`, at(900), at(0));
    const kept = Array.from({ length: 1_000 }, (_, i) => memo.retryAfter(`reset_ip:10.0.${i >> 8}.${i & 255}`, at(1)) !== null);
    expect(kept.filter(Boolean).length).toBeLessThanOrEqual(100);
    expect(kept.at(-1)).toBe(true);
    expect(kept[0]).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { createPacer, sampleLoadInto } from "./pace";

describe("createPacer", () => {
  it("sets no limit while the answers have room, and a bucket of `burst` refilled at `perSecond` while they have none", () => {
    let now = 0;
    let saturated = false;
    const pacer = createPacer({ saturated: () => saturated, perSecond: 25, burst: 10, now: () => now });
    expect(pacer.allowance()).toBe(Infinity);
    pacer.took(500); // unpaced claims cost nothing
    saturated = true;
    expect(pacer.allowance()).toBe(10);
    pacer.took(10);
    expect(pacer.allowance()).toBe(0);
    now += 200; // 5 rows' worth
    expect(pacer.allowance()).toBe(5);
    pacer.took(3);
    now += 10_000; // never more than the bucket holds
    expect(pacer.allowance()).toBe(10);
    pacer.took(10);
    saturated = false;
    expect(pacer.allowance()).toBe(Infinity);
    saturated = true; // room again refilled the bucket
    expect(pacer.allowance()).toBe(10);
  });
});

describe("sampleLoadInto", () => {
  const nextSample = (into: Int32Array, after: number) =>
    new Promise<number>((resolve) => {
      const poll = () => (Atomics.load(into, 0) !== after ? resolve(Atomics.load(into, 0)) : setTimeout(poll, 5));
      poll();
    });

  it("reports a saturated event loop as busy (≥ 900‰) and an idle one as not", async () => {
    const into = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(into, 0, -1);
    const stop = sampleLoadInto(into, 0, 100);
    try {
      // Idle: the loop waits for the timer.
      let idle = await nextSample(into, -1);
      idle = await nextSample(into, idle).catch(() => idle);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(Atomics.load(into, 0)).toBeLessThan(500);
      // Busy: CPU-bound slices with only a turn of the loop between them.
      const until = performance.now() + 350;
      while (performance.now() < until) {
        const slice = performance.now() + 30;
        while (performance.now() < slice);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(Atomics.load(into, 0)).toBeGreaterThanOrEqual(900);
    } finally {
      stop();
    }
  });
});

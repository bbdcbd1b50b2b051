/** Where every fake clock starts unless told otherwise: a fixed instant, so expiries are the same each run. */
export const FAKE_CLOCK_START = new Date("2026-01-15T08:00:00.000Z");

/**
 * A clock tests move by hand: a `() => Date` (the shape the services' `Clock` has) that only moves when
 * `advance` or `advanceTo` is called. Expiry and retry waits are crossed by moving it, never by sleeping.
 */
export interface FakeClock {
  (): Date;
  /** Moves the clock forward by `seconds` (fractions allowed). */
  advance(seconds: number): void;
  /** Moves the clock to `at`; never backwards (an earlier `at` leaves it where it is). */
  advanceTo(at: Date): void;
}

/** A {@link FakeClock} standing at `start` (by default {@link FAKE_CLOCK_START}). */
export function fakeClock(start: Date = FAKE_CLOCK_START): FakeClock {
  let now = start.getTime();
  return Object.assign(() => new Date(now), {
    advance(seconds: number): void {
      now += seconds * 1000;
    },
    advanceTo(at: Date): void {
      now = Math.max(now, at.getTime());
    },
  });
}

/**
 * The wall clock in a {@link FakeClock}'s clothes, for tests that need real time to pass (timeouts,
 * leases): moving it by hand throws, so a test that meant to use a fake clock fails loudly.
 */
export function wallClock(): FakeClock {
  const refuse = (): never => {
    throw new Error("this clock is the wall clock: it cannot be moved by hand");
  };
  return Object.assign(() => new Date(), { advance: refuse, advanceTo: refuse });
}

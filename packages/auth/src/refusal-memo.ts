/**
 * Counters this process has seen past their limit, until their window ends. A client past a limit stays
 * refused for the rest of its fixed window whatever it sends, so its further requests need no database
 * work: without this, a flood from one address runs an upsert on the same counter row for every request,
 * and those upserts queue behind each other's row lock (one client could hold the limiter's throughput
 * to a few hundred requests a second). Each instance learns on its own first refusal; the counters in the
 * database stay the shared truth.
 */
export class RefusalMemo {
  private readonly until = new Map<string, number>();

  /** `capacity` bounds the memory an attack from many addresses can take; the oldest entries go first. */
  constructor(private readonly capacity = 50_000) {}

  /** Seconds until `key`'s window ends if it was refused in a window still running at `now`, else null. */
  retryAfter(key: string, now: Date): number | null {
    const endsAt = this.until.get(key);
    if (endsAt === undefined) return null;
    const left = endsAt - now.getTime();
    if (left > 0) return Math.max(1, Math.ceil(left / 1000));
    this.until.delete(key);
    return null;
  }

  /** `key` was refused in a window that ends at `windowEndsAt`. */
  remember(key: string, windowEndsAt: Date, now: Date): void {
    if (windowEndsAt.getTime() <= now.getTime()) return;
    this.until.delete(key);
    if (this.until.size >= this.capacity) this.evictOldest();
    this.until.set(key, windowEndsAt.getTime());
  }

  /** Drops the oldest tenth (amortised: an attack from ever new addresses costs O(1) per entry). */
  private evictOldest(): void {
    let drop = Math.max(1, Math.floor(this.capacity / 10));
    for (const key of this.until.keys()) {
      if (drop-- <= 0) break;
      this.until.delete(key);
    }
  }
}

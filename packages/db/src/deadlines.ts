import type postgres from "postgres";

/**
 * A statement, or the start of a transaction, that got no answer in time. During a database outage
 * callers get this (and answer 500/503) instead of waiting for postgres.js to reconnect.
 */
export class DatabaseTimeoutError extends Error {
  readonly code = "DATABASE_TIMEOUT";
  constructor(what: string, ms: number) {
    super(`database ${what} got no answer within ${ms} ms`);
    this.name = "DatabaseTimeoutError";
  }
}

type Sql = postgres.Sql;
type TransactionSql = postgres.TransactionSql;
type Pending = postgres.PendingQuery<postgres.Row[]>;

/** How the statements of one scope (the pool, or one transaction) are bounded. */
interface Scope {
  ms: number;
  /** Operations whose caller still waits (the pool's scope only). */
  callers?: Callers;
  /** The pool's permits; null inside a transaction, whose connection is already reserved. */
  permits: Permits | null;
  /** Inside a transaction: gives the caller up (the transaction rolls back or dies with its socket). */
  abandon?: (error: Error) => void;
  abandoned?: Error;
}

const noop = () => {};

/**
 * Runs `fn` once pending I/O has been read. A deadline timer can fire right after our own event loop
 * stalled, with the answer already waiting in the socket: a stall here is not the database's fault.
 */
function afterPendingIo(fn: () => void): void {
  setImmediate(fn);
}

/**
 * One permit per pool connection. Callers wait here, in a queue they leave at their deadline, and never in
 * postgres.js's own queue, whose entries cannot be withdrawn safely: cancelling a query that is the first
 * of a connection still being opened leaves that connection unusable until `max_lifetime` (3.4.9).
 */
class Permits {
  private free: number;
  private readonly waiting = new Set<() => void>();

  constructor(size: number) {
    this.free = size;
  }

  /** Resolves with this permit's `release` (idempotent); rejects with `timeout()` after `ms`. */
  take(ms: number, timeout: () => Error): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const granted = () => {
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.release();
        });
      };
      if (this.free > 0) {
        this.free -= 1;
        granted();
        return;
      }
      const grant = () => {
        clearTimeout(timer);
        granted();
      };
      const timer = setTimeout(() => {
        afterPendingIo(() => {
          if (this.waiting.delete(grant)) reject(timeout());
        });
      }, ms);
      this.waiting.add(grant);
    });
  }

  private release(): void {
    const [next] = this.waiting;
    if (next) {
      this.waiting.delete(next);
      next();
    } else {
      this.free += 1;
    }
  }
}

/** Counts operations whose caller has not been answered yet, so that closing can wait for them. */
class Callers {
  private count = 0;
  private readonly whenNone = new Set<() => void>();

  track<T>(operation: Promise<T>): Promise<T> {
    this.count += 1;
    const done = () => {
      this.count -= 1;
      if (this.count === 0) for (const resolve of [...this.whenNone]) resolve();
    };
    operation.then(done, done);
    return operation;
  }

  /** Resolves once no caller waits (every one was answered, if only with a timeout), or after `ms`. */
  none(ms: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.whenNone.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.whenNone.add(done);
    });
  }
}

/**
 * Asks the server to cancel a statement it has been sent; one not yet sent is left alone (see Permits).
 * Not `query.cancel()`: it drops the promise of its cancel connection, and when that connection fails (it
 * does, in an outage) the rejection is unhandled, which ends a Node process. Both fields are postgres.js
 * 3.4.9 internals (`state` is set when the statement is written; `canceller` is what `cancel()` calls).
 */
function cancelIfSent(query: Pending): void {
  const internals = query as unknown as { state: unknown; canceller: ((query: Pending) => Promise<void>) | null };
  const cancel = internals.canceller;
  if (!internals.state || !cancel) return;
  internals.canceller = null;
  cancel(query).catch(noop);
}

/** Runs one statement under the scope's deadline; the time spent waiting for a permit counts. */
function runStatement(query: Pending, scope: Scope): Promise<unknown> {
  if (scope.abandoned) return Promise.reject(scope.abandoned);
  const startedAt = performance.now();
  const timeout = () => new DatabaseTimeoutError("query", scope.ms);
  const permit = scope.permits ? scope.permits.take(scope.ms, timeout) : Promise.resolve(noop);
  return permit.then(
    (release) =>
      new Promise((resolve, reject) => {
        let done = false;
        const timer = setTimeout(
          () =>
            afterPendingIo(() => {
              if (done) return;
              done = true;
              const error = timeout();
              reject(error);
              scope.abandon?.(error);
              cancelIfSent(query);
            }),
          Math.max(0, scope.ms - (performance.now() - startedAt)),
        );
        const settle = (fn: () => void) => {
          // The permit follows the driver's own work, not the caller's patience.
          release();
          clearTimeout(timer);
          if (done) return;
          done = true;
          fn();
        };
        query.then(
          (rows) => settle(() => resolve(rows)),
          (error: unknown) => settle(() => reject(error)),
        );
      }),
  );
}

/** What `unsafe()` returns here: lazy like a postgres.js query (runs when awaited), with `values()`. */
function statement(query: Pending, scope: Scope) {
  let run: Promise<unknown> | undefined;
  const handle = {
    values() {
      query.values();
      return handle;
    },
    then<A = unknown, B = never>(
      onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null,
      onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
    ): Promise<A | B> {
      if (!run) run = scope.callers ? scope.callers.track(runStatement(query, scope)) : runStatement(query, scope);
      return run.then(onFulfilled, onRejected);
    },
  };
  return handle;
}

/**
 * `sql.begin(…, fn)` under a deadline for getting the transaction started; each statement inside then has
 * its own. When one of them times out the caller is answered at once: the transaction is rolled back (or
 * dies with its connection) without the caller waiting for that.
 */
async function transaction(sql: Sql, args: unknown[], scope: Scope): Promise<unknown> {
  const fn = args.pop() as (tx: TransactionSql) => unknown;
  const startedAt = performance.now();
  const timeout = () => new DatabaseTimeoutError("transaction start", scope.ms);
  const release = await scope.permits!.take(scope.ms, timeout);
  const inner: Scope = { ms: scope.ms, permits: null };
  const abandoned = new Promise<never>((_, reject) => {
    inner.abandon = (error) => {
      inner.abandoned ??= error;
      reject(error);
    };
  });
  let entered = false;
  const timer = setTimeout(
    () =>
      afterPendingIo(() => {
        if (!entered) inner.abandon!(timeout());
      }),
    Math.max(0, scope.ms - (performance.now() - startedAt)),
  );
  const begin = sql.begin.bind(sql) as unknown as (...all: unknown[]) => Promise<unknown>;
  const real = begin(...args, async (tx: TransactionSql) => {
    // Started after the caller gave up: roll back rather than do work nobody waits for.
    if (inner.abandoned) throw inner.abandoned;
    entered = true;
    clearTimeout(timer);
    const result = await fn(bound(tx, inner));
    // The caller was told it failed: never commit behind its back, even if `fn` swallowed the error.
    if (inner.abandoned) throw inner.abandoned;
    return result;
  });
  real.then(release, release);
  try {
    return await Promise.race([real, abandoned]);
  } finally {
    clearTimeout(timer);
  }
}

function bound<T extends Sql | TransactionSql>(sql: T, scope: Scope): T {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === "unsafe") {
        // Named prepared statements, cached per connection: drizzle asks postgres.js for unnamed ones, and
        // postgres.js then spends a round trip describing every statement with parameters before it can
        // bind them (two round trips per statement; on a busy machine each one costs a context switch).
        return (query: string, params?: unknown[], options?: { prepare?: boolean }) =>
          statement(target.unsafe(query, params as never, { ...options, prepare: true }) as Pending, scope);
      }
      if (key === "begin" && scope.permits) {
        return (...args: unknown[]) => scope.callers!.track(transaction(target as Sql, args, scope));
      }
      if (key === "savepoint") {
        return (...args: unknown[]) => {
          const fn = args.pop() as (inner: TransactionSql) => unknown;
          const tx = target as TransactionSql;
          const savepoint = tx.savepoint.bind(tx) as unknown as (...all: unknown[]) => Promise<unknown>;
          return savepoint(...args, (inner: TransactionSql) => fn(bound(inner, scope)));
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/** A postgres.js client with deadlines, and a way to know when no caller waits for it any more. */
export interface BoundedSql {
  sql: Sql;
  /** Resolves once every caller has been answered (at the latest at its deadline), or after `ms`. */
  drained(ms: number): Promise<void>;
}

/**
 * The postgres.js client as drizzle uses it (`unsafe`, `begin`, `savepoint`), with deadlines: a statement
 * answers within `ms` of the call, waiting for one of `max` pooled connections included, or fails with
 * DatabaseTimeoutError (a statement already sent is cancelled on the server). At most `max` operations
 * are inside postgres.js at once, so its queue of work that nobody waits for stays empty.
 */
export function withDeadlines(sql: Sql, options: { ms: number; max: number }): BoundedSql {
  const callers = new Callers();
  return { sql: bound(sql, { ms: options.ms, permits: new Permits(options.max), callers }), drained: (ms) => callers.none(ms) };
}

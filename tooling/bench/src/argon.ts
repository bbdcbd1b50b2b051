/**
 * The argon2id bound: how many hashes per second the app's parameters allow on this machine when libuv's
 * pool (where @node-rs/argon2 runs, UV_THREADPOOL_SIZE threads, 4 by default) is kept full.
 */
import { hash } from "@node-rs/argon2";

/** The app's parameters (packages/auth/src/password.ts): OWASP's m=19 MiB, t=2, p=1. */
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function argon2HashesPerSecond(seconds = 5, concurrency = Number(process.env.UV_THREADPOOL_SIZE ?? 4)): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await hash(`bench-password-${done}`, ARGON2);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

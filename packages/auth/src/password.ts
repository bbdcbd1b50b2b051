import { availableParallelism } from "node:os";
import { hash, verify, type Options } from "@node-rs/argon2";
import pLimit from "p-limit";
import { dictionary } from "@zxcvbn-ts/language-common";
import { COMMON_PASSWORDS_DICTIONARY, commonPasswords, passwordProblem, type CommonPasswords } from "@rekey/validators";
import { AuthError } from "./errors";

/** OWASP's argon2id baseline: m=19 MiB, t=2, p=1. `hash`/`verify` run on libuv's pool, off the event loop. */
// `algorithm: 2` is Argon2id (the package's const enum cannot be imported under isolatedModules).
const ARGON2: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * At most one argon2id run per core. The pool has 4 threads whatever the machine, and DNS lookups and file
 * writes queue behind whatever fills it: a burst of resets now waits here instead, and more hashes at once
 * than cores would not finish any sooner.
 */
const argon2Slot = pLimit(Math.max(1, availableParallelism()));

export function hashPassword(password: string): Promise<string> {
  return argon2Slot(() => hash(password, ARGON2));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await argon2Slot(() => verify(passwordHash, password));
  } catch {
    return false;
  }
}

/** A fixed hash to verify against when an account does not exist, so timing does not reveal it. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword("rekey-decoy-password");
  return decoyHash;
}

let blocklist: CommonPasswords | undefined;
/** Whether the password is on the policy's blocklist (zxcvbn-ts's 49k common passwords, loaded on first use). */
export function isCommonPassword(password: string): boolean {
  blocklist ??= commonPasswords(dictionary[COMMON_PASSWORDS_DICTIONARY]);
  return blocklist.has(password);
}

/** How many distinct passwords the blocklist holds. */
export function commonPasswordCount(): number {
  isCommonPassword("");
  return blocklist!.size;
}

/**
 * The password policy (`@rekey/validators`) plus the one rule only the server can check: a new password
 * differs from the current one. Throws the first AuthError that applies.
 */
export async function assertPasswordAcceptable(password: string, options: { minLength: number; currentHash?: string }): Promise<void> {
  const problem = passwordProblem(password, { minLength: options.minLength, isCommon: isCommonPassword });
  if (problem) throw new AuthError(problem.code, problem.params);
  if (options.currentHash && (await verifyPassword(options.currentHash, password))) {
    throw new AuthError("PASSWORD_UNCHANGED");
  }
}

import { hash, verify, type Options } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { PASSWORD_MAX_LENGTH } from "@rekey/validators";
import { AuthError } from "./errors";

/** OWASP's argon2id baseline: m=19 MiB, t=2, p=1. `hash`/`verify` run on libuv's pool, off the event loop. */
// `algorithm: 2` is Argon2id (the package's const enum cannot be imported under isolatedModules).
const ARGON2: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
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

let blocklist: Set<string> | undefined;
/** 49k common passwords shipped with zxcvbn-ts (NIST 800-63B's blocklist requirement), compared case-insensitively. */
export function isCommonPassword(password: string): boolean {
  blocklist ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  return blocklist.has(password.toLowerCase());
}

export function commonPasswordCount(): number {
  isCommonPassword("");
  return blocklist!.size;
}

/**
 * The rules every new password meets; throws the first AuthError that applies.
 * Length counts code points, so an emoji is one character as a person sees it.
 */
export async function assertPasswordAcceptable(
  password: string,
  options: { minLength: number; currentHash?: string },
): Promise<void> {
  const length = Array.from(password).length;
  if (length < options.minLength) throw new AuthError("PASSWORD_TOO_SHORT", { min: options.minLength });
  if (length > PASSWORD_MAX_LENGTH) throw new AuthError("PASSWORD_TOO_LONG", { max: PASSWORD_MAX_LENGTH });
  if (isCommonPassword(password)) throw new AuthError("PASSWORD_TOO_COMMON");
  if (options.currentHash && (await verifyPassword(options.currentHash, password))) {
    throw new AuthError("PASSWORD_UNCHANGED");
  }
}

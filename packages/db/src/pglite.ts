import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { acquireDirLock, LOCK_FILE } from "./dir-lock";

/**
 * PGlite's own start parameters, with a smaller buffer cache: its 128 MB default is wasm memory the process
 * keeps once touched; the embedded default's data is small and the OS caches its files anyway.
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

/** PostgreSQL writes this file into a data directory; PGlite runs initdb when it is missing. */
const VERSION_FILE = "PG_VERSION";
const STAGING_PREFIX = "pglite.init-";

/** The child script that creates a data directory. Where bundling moves this file, the caller passes its path. */
function pgliteInitScript(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "pglite-init.mjs");
}

/** Opens (creating it on first use) the PGlite directory `<dataDir>/pglite`, locked to this process. */
export async function openPgliteDir(dataDir: string, initScript = pgliteInitScript()): Promise<{ client: PGlite; release: () => void }> {
  const dir = resolve(join(dataDir, "pglite"));
  mkdirSync(dir, { recursive: true });
  // PGlite has no cross-process locking: a second process on the same files silently loses writes.
  const release = acquireDirLock(dir);
  try {
    removeStaging(dirname(dir));
    if (!existsSync(join(dir, VERSION_FILE))) await createCluster(dir, initScript);
    return { client: await PGlite.create(dir, { startParams: START_PARAMS }), release };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * initdb runs in a staging directory beside `dir`, in a child process, and its files then move into `dir`
 * with PG_VERSION last. A start killed at any point leaves `dir` without PG_VERSION, so the next start
 * clears what is there and creates it again; a complete directory is never touched.
 */
async function createCluster(dir: string, initScript: string): Promise<void> {
  const staging = mkdtempSync(join(dirname(dir), STAGING_PREFIX));
  try {
    if (existsSync(initScript)) await runInit(initScript, staging);
    else await (await PGlite.create(staging, { startParams: START_PARAMS })).close(); // bundled without the script: costs memory
    for (const name of readdirSync(dir)) if (name !== LOCK_FILE) rmSync(join(dir, name), { recursive: true, force: true });
    const names = readdirSync(staging).filter((name) => name !== VERSION_FILE);
    for (const name of [...names, VERSION_FILE]) renameSync(join(staging, name), join(dir, name));
  } finally {
    removeQuietly(staging);
  }
}

/**
 * Staging directories of starts that were killed (this process holds the lock, so no live start owns one).
 * Best effort: the initdb child of a killed start may still be writing into its own.
 */
function removeStaging(parent: string): void {
  for (const name of readdirSync(parent)) if (name.startsWith(STAGING_PREFIX)) removeQuietly(join(parent, name));
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // left for the next start
  }
}

function runInit(script: string, staging: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, staging, JSON.stringify(START_PARAMS)], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) return resolvePromise();
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      reject(new Error(`Creating the embedded database in ${dirname(staging)}: initdb ${how}${stderr ? `: ${stderr.trim()}` : ""}`));
    });
  });
}

import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataDirInUseError, openDatabase, users } from "./index";
import { testDatabases } from "./testing";

const targets = await testDatabases();
const postgres = targets.find((t) => t.name === "postgres");

describe("embedded PGlite", () => {
  it("keeps data across a restart of the process's database", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rekey-db-"));
    const first = await openDatabase({ dataDir, migrate: true });
    await first.db.insert(users).values({ email: "a@example.com", username: "a", passwordHash: "x" });
    await first.close();
    const second = await openDatabase({ dataDir, migrate: true });
    expect(await second.db.select().from(users)).toHaveLength(1);
    await second.close();
  });

  it("refuses a second process on the same data directory with a clear error", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rekey-db-"));
    const holder = await openDatabase({ dataDir, migrate: true });
    try {
      // Another process tries the same directory.
      const script = `import("./src/client.ts").then(m => m.openDatabase({ dataDir: ${JSON.stringify(dataDir)} }))
        .then(() => process.exit(0), (e) => { console.error(e.name + ": " + e.message); process.exit(3); })`;
      const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: join(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).toBe(3);
      expect(stderr).toContain("DataDirInUseError");
      expect(stderr).toContain(`in use by process ${process.pid}`);
    } finally {
      await holder.close();
    }
  });

  it("refuses a second open in the same process too", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rekey-db-"));
    const holder = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirInUseError);
    await holder.close();
    const again = await openDatabase({ dataDir });
    await again.close();
  });
});

describe.runIf(postgres)("PostgreSQL migrations", () => {
  it("two instances starting together on an empty database both come up (advisory lock)", async () => {
    const blank = await postgres!.create();
    const url = blank.url!;
    // Drop what create() migrated, so both instances race on an empty database.
    await blank.db.execute("drop schema public cascade; create schema public; drop schema if exists drizzle cascade" as never);
    const [a, b] = await Promise.all([openDatabase({ url, migrate: true }), openDatabase({ url, migrate: true })]);
    await a.db.insert(users).values({ email: "race@example.com", username: "race", passwordHash: "x" });
    expect(await b.db.select().from(users)).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
    await blank.close();
  });
});

// The import rules of the shared config, checked through ESLint's own API on fixture strings (the files need
// not exist): run with `node --test` (pnpm --filter @rekey/eslint-config test).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { ESLint } from "eslint";

const root = fileURLToPath(new URL("../..", import.meta.url));
const eslint = new ESLint({ cwd: root, overrideConfigFile: fileURLToPath(new URL("./index.js", import.meta.url)) });

/** The messages of the import rules for `code` linted as the file `file` (relative to the repo root). */
async function importErrors(file, code) {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return result.messages.filter((m) => m.ruleId === "boundaries/dependencies" || m.ruleId === "rekey/client-imports");
}

async function assertFails(file, code, rule, pattern) {
  const errors = await importErrors(file, code);
  const hit = errors.find((m) => m.ruleId === rule);
  assert.ok(hit, `${file}: expected ${rule} to reject\n${code}\ngot: ${JSON.stringify(errors)}`);
  assert.equal(hit.severity, 2);
  if (pattern) assert.match(hit.message, pattern);
}

async function assertPasses(file, code) {
  assert.deepEqual(await importErrors(file, code), [], `${file}: expected no import error for\n${code}`);
}

describe("client code never imports a server package", () => {
  it('rejects @rekey/jobs in a "use client" component, with a clear message', async () => {
    await assertFails(
      "apps/web/src/app/some/widget.tsx",
      '"use client";\nimport { createFunctions } from "@rekey/jobs";\nexport const x = createFunctions;\n',
      "rekey/client-imports",
      /Client code must not import "@rekey\/jobs" \(server only\)\. apps\/web\/src\/app\/some\/widget\.tsx is client code \("use client"\)/,
    );
  });

  it("rejects every server package, value imports of @rekey/api and server-only in client folders", async () => {
    for (const source of [
      "@rekey/jobs",
      "@rekey/auth",
      "@rekey/db",
      "@rekey/db/schema",
      "@rekey/runtime",
      "@rekey/email",
      "@rekey/config",
      "@rekey/api",
      "server-only",
    ]) {
      await assertFails(
        "apps/web/src/components/widget.tsx",
        `import x from "${source}";\nexport default x;\n`,
        "rekey/client-imports",
        new RegExp(source),
      );
    }
  });

  it("allows import type from @rekey/api (AppRouter) and @rekey/validators", async () => {
    await assertPasses(
      "apps/web/src/trpc/widget.tsx",
      '"use client";\nimport type { AppRouter } from "@rekey/api";\nimport { signUpInput } from "@rekey/validators";\nexport type R = AppRouter;\nexport const s = signUpInput;\n',
    );
  });

  it("follows the client graph: a client file may import only client modules", async () => {
    await assertFails(
      "apps/web/src/views/widget.tsx",
      'import { getLocale } from "~/i18n/server";\nexport const g = getLocale;\n',
      "rekey/client-imports",
      /i18n\/server\.ts/,
    );
    await assertPasses(
      "apps/web/src/views/widget.tsx",
      'import { translate } from "~/i18n/messages";\nimport { useT } from "~/i18n/client";\nexport const t = [translate, useT];\n',
    );
  });

  it("leaves server components alone", async () => {
    await assertPasses("apps/web/src/app/widget/page.tsx", 'import { getRuntime } from "@rekey/runtime";\nexport const r = getRuntime;\n');
  });
});

describe("packages depend only downwards", () => {
  it("rejects an import against the direction, naming what is allowed", async () => {
    await assertFails(
      "packages/validators/src/x.ts",
      'import { openDatabase } from "@rekey/db";\nexport const o = openDatabase;\n',
      "boundaries/dependencies",
      /@rekey\/validators must not import "@rekey\/db"/,
    );
    await assertFails("packages/db/src/x.ts", 'export * from "@rekey/config";\n', "boundaries/dependencies");
    await assertFails(
      "packages/auth/src/x.ts",
      'import type { AppRouter } from "@rekey/api";\nexport type A = AppRouter;\n',
      "boundaries/dependencies",
      /may import only @rekey\/db, @rekey\/validators, @rekey\/config/,
    );
    await assertFails("packages/email/src/x.ts", 'import { x } from "@rekey/jobs";\nexport const y = x;\n', "boundaries/dependencies");
    await assertFails("packages/jobs/src/x.ts", 'import { x } from "@rekey/runtime";\nexport const y = x;\n', "boundaries/dependencies");
    await assertFails("packages/runtime/src/x.ts", 'import { x } from "@rekey/api";\nexport const y = x;\n', "boundaries/dependencies");
    await assertFails("packages/api/src/x.ts", 'import { x } from "@rekey/email";\nexport const y = x;\n', "boundaries/dependencies");
    await assertFails("packages/testing/src/x.ts", 'import { x } from "@rekey/auth";\nexport const y = x;\n', "boundaries/dependencies");
  });

  it("a package missing from the table may import no @rekey package", async () => {
    await assertFails(
      "packages/newcomer/src/x.ts",
      'import { a } from "@rekey/validators";\nexport const b = a;\n',
      "boundaries/dependencies",
      /add this package to ALLOWED/,
    );
  });

  it("allows the declared edges", async () => {
    await assertPasses(
      "packages/auth/src/x.ts",
      'import { a } from "@rekey/db";\nimport { b } from "@rekey/db/schema";\nimport { c } from "@rekey/validators";\nimport { d } from "@rekey/config";\nexport const e = [a, b, c, d];\n',
    );
    await assertPasses(
      "packages/runtime/src/x.ts",
      'import { a } from "@rekey/jobs";\nimport { b } from "@rekey/email";\nexport const e = [a, b];\n',
    );
    await assertPasses("packages/api/src/x.ts", 'import { a } from "@rekey/runtime";\nimport { b } from "@rekey/jobs";\nexport const e = [a, b];\n');
  });

  it("apps/web imports @rekey/jobs only in the Inngest serve route", async () => {
    await assertPasses(
      "apps/web/src/app/api/inngest/route.ts",
      'import { createFunctions } from "@rekey/jobs";\nexport const f = createFunctions;\n',
    );
    await assertFails(
      "apps/web/src/app/layout.tsx",
      'import { createFunctions } from "@rekey/jobs";\nexport const f = createFunctions;\n',
      "boundaries/dependencies",
      /apps\/web must not import "@rekey\/jobs"/,
    );
    await assertFails("apps/web/server.mjs", 'await import("@rekey/jobs");\n', "boundaries/dependencies");
  });

  it("keeps test helpers in tests", async () => {
    await assertFails(
      "packages/api/src/x.ts",
      'import { freePort } from "@rekey/testing";\nexport const f = freePort;\n',
      "boundaries/dependencies",
      /Only test files/,
    );
    await assertFails(
      "packages/jobs/src/x.ts",
      'import { testDatabases } from "@rekey/db/testing";\nexport const t = testDatabases;\n',
      "boundaries/dependencies",
      /Only test files/,
    );
    await assertPasses("packages/api/src/x.test.ts", 'import { freePort } from "@rekey/testing";\nexport const f = freePort;\n');
    await assertPasses("packages/jobs/src/testing/x.ts", 'import { freePort } from "@rekey/testing";\nexport const f = freePort;\n');
    await assertPasses("tooling/bench/src/x.ts", 'import { freePort } from "@rekey/testing";\nexport const f = freePort;\n');
  });
});

import { fileURLToPath } from "node:url";
import boundaries from "eslint-plugin-boundaries";

/**
 * The dependency direction between workspace packages, enforced on every import, re-export and dynamic
 * `import()` by eslint-plugin-boundaries (`boundaries/dependencies`).
 *
 * Each key is a workspace element (packages/<name>, apps/web, e2e, tooling/fuzz); its list is the only
 * `@rekey/*` packages its files may import (type-only imports count too: a type is still a dependency).
 * Subpaths follow their package (`@rekey/db/schema` is `@rekey/db`), except `testing` subpaths below.
 * Change this table, not the source, when the architecture really changes.
 */
const ALLOWED = {
  validators: [], // zod only
  config: [], // zod only
  db: [],
  auth: ["db", "validators", "config"],
  email: ["validators", "config"],
  jobs: ["auth", "db", "email", "validators", "config"],
  // The composition root: wires the others together for the app.
  runtime: ["auth", "config", "db", "email", "jobs"],
  api: ["auth", "validators", "jobs", "runtime", "config", "db"],
  // Test-only helpers; imported only by test files (see TEST_FILES).
  testing: ["config", "db"],
  // apps/web: @rekey/jobs only in the Inngest serve route (WEB_JOBS_ROUTE).
  web: ["api", "validators", "runtime", "config"],
  // Black-box suites: they talk HTTP to the built app, so they only share the plain data rules.
  e2e: ["validators", "config"],
  fuzz: ["validators", "config"],
  // Benchmarks: they start the built app and seed its database directly.
  bench: ["auth", "db", "jobs"],
  // Tooling that exists only to be imported by config files.
  eslint: [],
  typescript: [],
};

/** The one file in apps/web that may import @rekey/jobs: the Inngest serve route. */
const WEB_JOBS_ROUTE = "apps/web/src/app/api/inngest/route.ts";

/** Test code: may import @rekey/testing and `@rekey/<allowed>/testing`; nothing else may. */
const TEST_FILES = [
  "**/*.test.ts",
  "**/*.test.tsx",
  "**/*.spec.ts",
  "**/testing/**",
  "**/testing.ts",
  "**/bench/**",
  "**/vitest.config.ts",
  "packages/testing/**",
  "e2e/**",
];

/**
 * Known violations found when the rules were introduced (issue 10), allowed here so that `pnpm lint` stays
 * green while they are fixed in the source. Each entry: [file relative to the repo root, the package it may
 * still import, why]. Delete the entry with the fix; never add one without a reason and an owner.
 */
const KNOWN_VIOLATIONS = [];

const rootPath = fileURLToPath(new URL("../..", import.meta.url));
const pkg = (names) => names.map((name) => `@rekey/${name}`);
const list = (names) => (names.length ? names.map((n) => `@rekey/${n}`).join(", ") : "no @rekey package");

const elementOf = (name) => {
  if (name === "web") return { type: "app", captured: { name } };
  if (name === "e2e") return { type: "e2e" };
  if (name === "fuzz" || name === "bench" || name === "eslint" || name === "typescript") return { type: "tooling", captured: { name } };
  return { type: "package", captured: { name } };
};

const policies = [
  // A workspace element missing from ALLOWED (a new package) may import no @rekey package until it is listed.
  {
    disallow: { to: { module: { source: "@rekey/*" } } },
    message: '"{{dependency.source}}" is not allowed here: add this package to ALLOWED in tooling/eslint/boundaries.js.',
  },
];
for (const [name, allowed] of Object.entries(ALLOWED)) {
  const from = { element: elementOf(name) };
  policies.push(
    {
      from,
      disallow: { to: { module: { source: "@rekey/*" } } },
      message:
        `${name === "web" ? "apps/web" : `@rekey/${name}`} must not import "{{dependency.source}}": ` +
        `it may import only ${list(allowed)}${name === "web" ? ` (and @rekey/jobs only in ${WEB_JOBS_ROUTE})` : ""} ` +
        "(dependency rules in tooling/eslint/boundaries.js).",
    },
    { from, allow: { to: { module: { source: pkg(allowed) } } } },
  );
}
policies.push(
  // Every package's eslint.config.js imports the shared config.
  { allow: { to: { module: { source: "@rekey/eslint-config" } } } },
  { from: { file: { path: WEB_JOBS_ROUTE } }, allow: { to: { module: { source: "@rekey/jobs" } } } },
  // Test helpers stay in tests: production code never imports @rekey/testing or any `@rekey/*/testing`.
  {
    disallow: { to: [{ module: { source: "@rekey/testing" } }, { module: { source: "@rekey/*", internalPath: "testing{,/**}" } }] },
    message: `Only test files (${TEST_FILES.join(", ")}) may import "{{dependency.source}}": keep test helpers out of production code.`,
  },
  { from: { file: { categories: "test" } }, allow: { to: { module: { source: "@rekey/testing" } } } },
);
// Test files may also use the testing subpath of a package their element may import anyway (e.g. api's tests
// and @rekey/db/testing). To require @rekey/testing instead, delete this loop.
for (const [name, allowed] of Object.entries(ALLOWED)) {
  if (!allowed.length) continue;
  policies.push({
    from: { element: elementOf(name), file: { categories: "test" } },
    allow: { to: { module: { source: pkg(allowed), internalPath: "testing{,/**}" } } },
  });
}
for (const [file, name] of KNOWN_VIOLATIONS) {
  policies.push({ from: { file: { path: file } }, allow: { to: { module: { source: `@rekey/${name}` } } } });
}

/** Flat-config block: element map + the `boundaries/dependencies` rule. */
export const boundariesConfig = {
  plugins: { boundaries },
  settings: {
    // Patterns below are relative to the repo root, whichever package ESLint runs in.
    "boundaries/root-path": rootPath,
    "boundaries/elements": [
      { type: "package", pattern: "packages/*", capture: ["name"] },
      { type: "app", pattern: "apps/*", capture: ["name"] },
      { type: "tooling", pattern: "tooling/*", capture: ["name"] },
      { type: "e2e", pattern: "e2e" },
    ],
    "boundaries/files": [{ category: "test", pattern: TEST_FILES }],
    // Workspace packages are matched by their import name, not by where the resolver lands.
    "boundaries/flag-as-external": { customSourcePatterns: ["@rekey/*"] },
    "boundaries/dependency-nodes": ["import", "export", "dynamic-import", "require"],
  },
  rules: {
    "boundaries/dependencies": ["error", { default: "allow", checkAllOrigins: true, policies }],
  },
};

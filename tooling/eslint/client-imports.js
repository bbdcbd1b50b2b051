import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `rekey/client-imports`: code that runs in the browser never imports server code.
 *
 * Client code is any file with a "use client" directive, plus every file under CLIENT_PATHS (the modules
 * that only client components import). Such a file must not import a server package (type-only imports of
 * @rekey/api are fine: that is how the tRPC client gets `AppRouter`), and every local module it imports must
 * itself be client code, so the check follows the whole client graph: a new helper that a client component
 * imports has to be declared client (directive or CLIENT_PATHS) and is then checked too.
 */

const rootPath = fileURLToPath(new URL("../..", import.meta.url));

/** Client code in apps/web besides "use client" files: paths relative to the repo root (a folder ends with /). */
const CLIENT_PATHS = [
  "apps/web/src/components/",
  "apps/web/src/views/",
  "apps/web/src/trpc/",
  "apps/web/src/i18n/client.tsx",
  "apps/web/src/i18n/messages.ts",
];

/** Import sources a client module must not import; `typeOnly` ones are allowed as `import type`. */
const SERVER_MODULES = [
  { source: "@rekey/api", typeOnly: true },
  { source: "@rekey/jobs" },
  { source: "@rekey/auth" },
  { source: "@rekey/db" },
  { source: "@rekey/runtime" },
  { source: "@rekey/email" },
  { source: "@rekey/config" },
  { source: "@rekey/testing" },
  { source: "server-only" },
  { source: "next/headers" },
];

/** Path aliases (tsconfig `paths`) of the apps: alias prefix → folder relative to the repo root. */
const ALIASES = { "apps/web/": { "~/": "apps/web/src/" } };
const EXTENSIONS = ["", ".ts", ".tsx", ".js", ".mjs", "/index.ts", "/index.tsx"];

const posix = (p) => p.split(sep).join("/");
const fromRoot = (file) => posix(relative(rootPath, file));
const inClientPaths = (rel) => CLIENT_PATHS.some((p) => (p.endsWith("/") ? rel.startsWith(p) : rel === p));

const directiveCache = new Map();
function hasUseClient(file) {
  let cached = directiveCache.get(file);
  if (cached === undefined) {
    let head = "";
    try {
      head = readFileSync(file, "utf8").slice(0, 2000);
    } catch {
      // unreadable: not client
    }
    cached = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*["']use client["']/.test(head);
    directiveCache.set(file, cached);
  }
  return cached;
}

function resolveLocal(fromFile, source) {
  let base;
  if (source.startsWith(".")) base = resolve(dirname(fromFile), source);
  else {
    const rel = fromRoot(fromFile);
    for (const [app, aliases] of Object.entries(ALIASES)) {
      if (!rel.startsWith(app)) continue;
      for (const [alias, target] of Object.entries(aliases)) {
        if (source.startsWith(alias)) base = join(rootPath, target, source.slice(alias.length));
      }
    }
  }
  if (!base) return undefined;
  for (const ext of EXTENSIONS) if (existsSync(base + ext) && statSync(base + ext).isFile()) return base + ext;
  return base; // unresolvable (e.g. a stylesheet): judged by its path
}

/** Whether the directive prologue (the leading string statements) holds "use client". */
function isDirectiveClient(program) {
  for (const s of program.body) {
    if (s.type !== "ExpressionStatement" || s.expression.type !== "Literal" || typeof s.expression.value !== "string") return false;
    if (s.expression.value === "use client") return true;
  }
  return false;
}

/** @type {import("eslint").Rule.RuleModule} */
const clientImports = {
  meta: {
    type: "problem",
    docs: { description: "Client components (and what they import) never import server packages." },
    schema: [],
    messages: {
      server:
        'Client code must not import "{{source}}" (server only){{hint}}. {{why}} is client code ({{reason}}): of the workspace it may use @rekey/validators, and @rekey/api only as `import type`.',
      local:
        'Client code imports "{{source}}" ({{target}}), which is not client code. If it is safe for the browser, give it a "use client" directive or add it to CLIENT_PATHS in tooling/eslint/client-imports.js (it is then checked too); if it is server code, import it from a server component instead.',
    },
  },
  create(context) {
    const file = context.filename;
    const rel = fromRoot(file);
    if (rel.startsWith("..") || !rel.startsWith("apps/")) return {};
    let reason;
    return {
      Program(program) {
        if (isDirectiveClient(program)) reason = '"use client"';
        else if (inClientPaths(rel)) reason = "listed in CLIENT_PATHS";
      },
      "ImportDeclaration, ExportNamedDeclaration[source], ExportAllDeclaration, ImportExpression"(node) {
        if (!reason || node.source?.type !== "Literal" || typeof node.source.value !== "string") return;
        const source = node.source.value;
        const typeOnly =
          node.importKind === "type" ||
          node.exportKind === "type" ||
          (node.type === "ImportDeclaration" && node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === "type"));
        const server = SERVER_MODULES.find((m) => source === m.source || source.startsWith(`${m.source}/`));
        if (server) {
          if (server.typeOnly && typeOnly) return;
          context.report({
            node: node.source,
            messageId: "server",
            data: { source, hint: server.typeOnly ? ' (use "import type")' : "", why: rel, reason },
          });
          return;
        }
        if (typeOnly) return;
        const target = resolveLocal(file, source);
        if (!target) return;
        const targetRel = fromRoot(target);
        if (!/\.(tsx?|jsx?|mjs)$/.test(targetRel)) return; // stylesheets, images
        if (inClientPaths(targetRel) || hasUseClient(target)) return;
        context.report({ node: node.source, messageId: "local", data: { source, target: targetRel } });
      },
    };
  },
};

export const rekeyPlugin = { meta: { name: "rekey" }, rules: { "client-imports": clientImports } };

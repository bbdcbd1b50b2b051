// @ts-check
// Bundles the delivery thread (src/thread/delivery-thread.ts and everything it imports) into one plain
// JavaScript file, dist/delivery-thread.mjs, which a production server's thread loads without a TypeScript
// loader (under tsx the thread cost about 150 MiB more). Usage: node scripts/build-thread.mjs [outfile]
import { dirname, join, relative } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const outfile = process.argv[2] ?? join(root, "dist", "delivery-thread.mjs");

/** Packages that load files beside their own code (wasm, native addons): imported where they are installed. */
const IN_PLACE = /^(@electric-sql\/pglite|@node-rs\/argon2)(\/|$)/;

/** @type {import("esbuild").Plugin} */
const inPlace = {
  name: "in-place",
  setup(bundler) {
    bundler.onResolve({ filter: IN_PLACE }, async (args) => {
      if (args.pluginData === "in-place") return undefined;
      const found = await bundler.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: "in-place" });
      if (found.errors.length > 0) return { errors: found.errors };
      // Relative, so that the repository can move as a whole.
      const path = relative(dirname(outfile), found.path);
      return { path: path.startsWith(".") ? path : `./${path}`, external: true };
    });
  },
};

await build({
  entryPoints: [join(root, "src/thread/delivery-thread.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  jsx: "automatic",
  // Only a production server runs the bundle (thread/entry.mjs): React's production build, not both.
  define: { "process.env.NODE_ENV": '"production"' },
  // CommonJS dependencies require() Node's built-ins, which an ES module has no `require` for.
  banner: { js: 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);' },
  plugins: [inPlace],
  logLevel: "warning",
});

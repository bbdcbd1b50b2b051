import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { boundariesConfig } from "./boundaries.js";
import { rekeyPlugin } from "./client-imports.js";

/**
 * Shared flat config: strict TypeScript rules, no stray console output, the packages' dependency direction
 * (boundaries.js) and no server code in client files (client-imports.js).
 */
export default tseslint.config(
  { ignores: ["**/.next/**", "**/dist/**", "**/node_modules/**", "**/drizzle/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-console": ["error", { allow: ["warn", "error", "info"] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "smart"],
      // TypeScript already knows every global (Node's, the DOM's); this rule only misfires on them.
      "no-undef": "off",
    },
  },
  boundariesConfig,
  { plugins: { rekey: rekeyPlugin }, rules: { "rekey/client-imports": "error" } },
  {
    files: ["**/*.test.ts", "**/*.spec.ts", "**/scripts/**", "**/bench/**"],
    rules: { "no-console": "off" },
  },
);

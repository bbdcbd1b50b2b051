import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Shared flat config: strict TypeScript rules, no stray console output, no server code in client files. */
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
  {
    files: ["**/*.test.ts", "**/*.spec.ts", "**/scripts/**", "**/bench/**"],
    rules: { "no-console": "off" },
  },
);

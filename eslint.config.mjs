// One linter, wired into `npm test`. The restricted-imports rules keep the
// layering honest: src/core never sees the editor, the webview never sees Node.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "test-results/", "**/*.mjs", "**/*.js"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: ["src/core/**/*.ts", "src/protocol/**/*.ts", "src/cli/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "vscode", message: "Only src/vscode/ may import vscode; core stays IDE-independent." }] },
      ],
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "vscode", message: "Only src/vscode/ may import vscode; core stays IDE-independent." }],
          patterns: [{ group: ["**/vscode/**", "**/cli/**"], message: "core must not depend on its adapters." }],
        },
      ],
    },
  },
  {
    files: ["webview/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "**/core/**", "**/vscode/**"],
              message: "The webview talks only through src/protocol.",
            },
          ],
        },
      ],
    },
  },
);

// Nx plugin: cached `lint`, `typecheck` and `format-check` targets and a `test` target for every workspace package,
// so `nx affected -t lint typecheck test` runs only what a change can break.
// (render/hydrate/validate/policy come from packages/nx-plugin.) Lint is declared here rather than inferred by
// @nx/eslint/plugin: that plugin loads ESLint and resolves its config on every Nx command (~0.3 s of each
// graph computation without the daemon) to infer the same target for every package.
const path = require("node:path");

const NODE_FILES = "packages/**/package.json";

/** @type {import("nx/src/project-graph/plugins").CreateNodesV2} */
exports.createNodesV2 = [
  NODE_FILES,
  (files) =>
    files
      .filter((file) => !file.includes("node_modules"))
      .map((file) => {
        const root = path.dirname(file);
        return [
          file,
          {
            projects: {
              [root]: {
                targets: {
                  lint: {
                    command: "eslint .",
                    options: { cwd: root },
                    cache: true,
                    // The one flat config at the root lints every package; its local rules are inputs too.
                    inputs: ["default", "^default", "{workspaceRoot}/eslint.config.mjs", { externalDependencies: ["eslint"] }],
                    outputs: [],
                  },
                  typecheck: {
                    command: `node tools/typecheck.mjs ${root}`,
                    options: { cwd: "{workspaceRoot}" },
                    cache: true,
                    // Its own sources and the sources of what it imports; tsc reads both.
                    inputs: ["default", "^production", "{workspaceRoot}/tsconfig.base.json", { externalDependencies: ["typescript"] }],
                    outputs: [],
                  },
                  "format-check": {
                    command: `prettier --check ${root}`,
                    options: { cwd: "{workspaceRoot}" },
                    cache: true,
                    inputs: ["default", "{workspaceRoot}/.prettierrc.json", "{workspaceRoot}/.prettierignore", { externalDependencies: ["prettier"] }],
                    outputs: [],
                  },
                  test: {
                    command: `npx vitest run --passWithNoTests ${root}/`,
                    options: { cwd: "{workspaceRoot}" },
                    // Not cached: tests also read what Nx does not track (mirrors beside the repo, the rendered folders, Go builds).
                    cache: false,
                    dependsOn: ["build", "^build"],
                  },
                },
              },
            },
          },
        ];
      }),
];

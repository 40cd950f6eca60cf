// Nx plugin: cached `typecheck` and `format-check` targets and a `test` target for every workspace package,
// so `nx affected -t lint typecheck test` runs only what a change can break.
// (Lint targets come from @nx/eslint/plugin; render/validate/policy from packages/nx-plugin.)
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

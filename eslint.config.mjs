// ESLint (flat config): typescript-eslint's recommended rules, the pipeline's
// layer boundaries (@nx/enforce-module-boundaries over the `nx.tags` in every
// package.json) and declared dependencies (@nx/dependency-checks). Run through
// the inferred, cached Nx `lint` target: `npx nx run-many -t lint`.
import nx from "@nx/eslint-plugin";
import tseslint from "typescript-eslint";
import jsoncParser from "jsonc-eslint-parser";
import { readdirSync, readFileSync } from "node:fs";

// Component packages depend on the components of their own and earlier layers to order the
// Nx graph (tools/cluster.test.ts), not to import them; the chart registry reads their generated folders.
const COMPONENT_PACKAGES = readdirSync(new URL("./packages/components/", import.meta.url)).map(
  (dir) => JSON.parse(readFileSync(new URL(`./packages/components/${dir}/package.json`, import.meta.url), "utf8")).name,
);

/**
 * Layers, lowest first. A package may import its own layer and the layers listed
 * for it, never a later stage: facts know nothing of models, a model nothing of
 * rendering, and so on. `check` runs the policies, so validate may use policy.
 */
const LAYERS = {
  // errors, yaml, layout (the render record and folder layout), git, workspace (mirrors, first-use builds)
  base: [],
  // cluster facts, CRD types, chart schemas and Helm values
  facts: ["base"],
  // core (components, config, the model and its rendering), component packages
  model: ["base", "facts"],
  // helm, hydrate: rendered objects from charts
  render: ["base", "facts", "model"],
  // kubeconform-wasm, check
  validate: ["base", "facts", "model", "render", "policy"],
  // the Rego engine
  policy: ["base", "facts"],
  // pr-report, release
  report: ["base", "facts", "model", "render", "validate", "policy"],
  // cli, codegen, import, nx-plugin
  tools: ["base", "facts", "model", "render", "validate", "policy", "report"],
  // test-fixtures: test helpers, imported by test files only
  testing: ["base"],
};

const depConstraints = (withTesting) =>
  Object.entries(LAYERS).map(([tag, allowed]) => ({
    sourceTag: tag,
    onlyDependOnLibsWithTags: [tag, ...allowed, ...(withTesting ? ["testing"] : [])],
  }));

const boundaries = (withTesting) => [
  "error",
  {
    // Workspace packages are linked by npm, not built: nothing to enforce about buildable libraries.
    enforceBuildableLibDependency: false,
    // Build scripts that are not package exports: check's tests build the policy wasm, policy's scripts build OPA.
    allow: ["../../policy/scripts/build.mjs", "../../../tools/go/build.mjs"],
    // Lazy imports here save start-up time for callers that never need a package; there is no bundle to split.
    checkDynamicDependenciesExceptions: ["@homelab/*", "@homelab/hydrate"],
    depConstraints: depConstraints(withTesting),
  },
];

// Tests and the test helpers packages export for other packages' tests (core/src/testing, release/src/testing.ts).
const TEST_FILES = [
  "**/*.test.ts",
  "**/*.test.mts",
  "**/test/**/*.ts",
  "**/testdata/**/*.ts",
  "**/type-tests/**/*.ts",
  "**/src/testing.ts",
  "**/src/testing/**/*.ts",
  "packages/test-fixtures/**/*.ts",
];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/build/**",
      "**/dist/**",
      "**/.tmp/**",
      "**/.nx/**",
      "**/generated/**",
      "bench-results/**",
      "apps-root-config/**",
      "cluster-*-apps/**",
      "**/*.tmp.*",
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts", "**/*.cts", "**/*.js", "**/*.mjs", "**/*.cjs"],
    plugins: { "@nx": nx },
    rules: {
      "@nx/enforce-module-boundaries": boundaries(false),
      // `_`-prefixed parameters are the convention for an argument a signature requires but a body ignores.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: TEST_FILES,
    rules: {
      "@nx/enforce-module-boundaries": boundaries(true),
      // Test doubles and fixtures stand in for loosely typed things (requests, parsed JSON, partial objects).
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // CommonJS is how Nx loads plugins and executors (packages/nx-plugin/src/*.cjs).
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly", console: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/package.json"],
    languageOptions: { parser: jsoncParser },
    plugins: { "@nx": nx },
    rules: {
      "@nx/dependency-checks": [
        "error",
        {
          // The target whose inputs are a package's sources (its `build`, where there is one, builds Go code).
          buildTargets: ["typecheck"],
          checkMissingDependencies: true,
          checkObsoleteDependencies: true,
          checkVersionMismatches: true,
          // Test files use devDependencies (test-fixtures, vitest); scripts/ are build-time tools run from the repo.
          ignoredFiles: [
            "{projectRoot}/**/*.test.ts",
            "{projectRoot}/**/test/**",
            "{projectRoot}/**/testdata/**",
            "{projectRoot}/**/type-tests/**",
            "{projectRoot}/src/testing.ts",
            "{projectRoot}/src/testing/**",
            "{projectRoot}/scripts/**",
          ],
          // tsx is loaded with `node --import tsx` (a flag, not an import); esbuild only by the CLI's build script.
          // @lezer/*: peer dependencies of @prometheus-io/lezer-promql, pinned beside it in check.
          // ajv-formats: required on first use (createRequire) by @homelab/values and by the validators codegen writes.
          ignoredDependencies: ["tsx", "esbuild", "@lezer/highlight", "@lezer/lr", "ajv-formats", ...COMPONENT_PACKAGES],
          includeTransitiveDependencies: false,
        },
      ],
    },
  },
);

// CommonJS on purpose: Nx loads plugins with require(), and on Node 20 a
// TypeScript plugin would need swc-node or ts-node just for this file.
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");

// The layer table and folders come from their owner, @homelab/layout, through its generated JSON (CommonJS cannot import TypeScript).
const layout = require("@homelab/layout/layout.json");
/** Every folder render may write a component's values and manifests into. */
const OUTPUT_FOLDERS = layout.layers.map((/** @type {{ folder: string }} */ l) => l.folder);
const HOMELAB = "node packages/cli/bin/homelab.js";
/** Runs render/hydrate/validate/policy tasks many per process in a batch (executor.cjs); `command` is the equivalent CLI call. */
const EXECUTOR = "@homelab/nx-plugin:homelab";
/** Every project this plugin infers carries this tag (createNodes below). */
const COMPONENT_TAG = "type:component";
/** validate and policy read the render's output and every component's hydrated folder. */
const CHECK_DEPENDS_ON = ["render", { target: "hydrate", projects: [`tag:${COMPONENT_TAG}`] }];
/** What hydrate writes and `homelab check` reads (@homelab/hydrate/layout HYDRATED_FOLDER). */
const HYDRATED_FOLDER = "dist/hydrated";
/** The chart mirrors codegen reads (@homelab/workspace MIRROR_ENV, chart-packages first). */
const CODEGEN_MIRROR_ENV = ["HOMELAB_CHART_PACKAGES_DIR", "HOMELAB_CHARTS_DIR"];

/** @param {string} component */
function renderOutputs(component) {
  return [
    `{workspaceRoot}/${layout.applicationsFolder}/${component}.yaml`,
    ...OUTPUT_FOLDERS.map((folder) => `{workspaceRoot}/${folder}/${component}`),
    `{workspaceRoot}/${layout.recordsFolder}/${component}.json`,
  ];
}

/**
 * @param {string} component
 * @param {string} projectRoot
 * @returns {Record<string, import("nx/src/config/workspace-json-project-json").TargetConfiguration>}
 */
function componentTargets(component, projectRoot) {
  return {
    render: {
      executor: EXECUTOR,
      options: { component, command: `${HOMELAB} render ${component}` },
      cache: true,
      inputs: ["production", "^production", "homelabConfig", "homelabExecutor", { externalDependencies: ["yaml", "ajv", "tsx"] }],
      outputs: renderOutputs(component),
      metadata: { description: `Render ${component} into the layered ArgoCD folders` },
    },
    // Schema (kubeconform-wasm) and values validation of what render wrote, then the policies: both read the
    // render's output files and, when it exists, dist/hydrated/ (what ArgoCD applies), so they run after render
    // and hydrate and are cached on both. `check --component C` reads every component's hydrated folder, not only
    // C's (the CRDs any chart installs validate C's objects; the reference checks resolve across components), so
    // it waits for every component's hydrate. dist/ is gitignored, so Nx's file inputs never see it: the folders
    // enter the key as the outputs of those direct dependencies (dependentTasksOutputFiles reads them from disk
    // after the dependencies ran or were restored from the cache).
    validate: {
      executor: EXECUTOR,
      options: { component, command: `${HOMELAB} check --component ${component} --no-policy` },
      cache: true,
      dependsOn: CHECK_DEPENDS_ON,
      inputs: [{ dependentTasksOutputFiles: "**/*", transitive: false }, "checkTools", { externalDependencies: ["ajv", "yaml"] }],
      outputs: [],
      metadata: { description: `Validate ${component}'s rendered manifests against Kubernetes and CRD schemas` },
    },
    policy: {
      executor: EXECUTOR,
      options: { component, command: `${HOMELAB} check --component ${component} --no-schema` },
      cache: true,
      dependsOn: CHECK_DEPENDS_ON,
      inputs: [
        { dependentTasksOutputFiles: "**/*", transitive: false },
        // Every record, not only C's: the policies judge the whole model (layer order reads the records of C's
        // dependencies and of the charts that serve its CRDs; waivers, references and ownership span components),
        // and a record holds its component's file digests, so this covers every rendered file.
        `{workspaceRoot}/${layout.recordsFolder}/*.json`,
        "{workspaceRoot}/policies/**/*.rego",
        "checkTools",
      ],
      outputs: [],
      metadata: { description: `Check ${component}'s rendered output against the OPA policies` },
    },
    // The objects ArgoCD applies (dist/hydrated/<component>). Any chart may install a CRD another chart tests
    // for, so the key holds every rendered file (not only this component's), the chart lock (digests), the Helm
    // engine's sources (helm.sh/helm/v3 version), hydrate's code and @homelab/sources' (which expands the
    // ApplicationSets into the Applications hydrate renders).
    hydrate: {
      executor: EXECUTOR,
      options: { component, command: `${HOMELAB} hydrate ${component}` },
      cache: true,
      // It reads every component's rendered files (above), so every render comes first.
      dependsOn: [{ target: "render", projects: [`tag:${COMPONENT_TAG}`] }],
      inputs: [
        { dependentTasksOutputFiles: "**/*", transitive: false },
        `{workspaceRoot}/${layout.applicationsFolder}/*.yaml`,
        ...OUTPUT_FOLDERS.map((folder) => `{workspaceRoot}/${folder}/**/*`),
        "{workspaceRoot}/charts.lock.yaml",
        "{workspaceRoot}/packages/helm/go/**/*",
        "{workspaceRoot}/packages/hydrate/src/**/*.ts",
        "{workspaceRoot}/packages/hydrate/generated/**/*",
        "{workspaceRoot}/packages/sources/src/**/*.ts",
        "!{workspaceRoot}/**/*.test.ts",
        "homelabExecutor",
        { env: "HOMELAB_CHART_PACKAGES_DIR" },
        { runtime: "go version" },
      ],
      outputs: [`{workspaceRoot}/${HYDRATED_FOLDER}/${component}`],
      metadata: { description: `Render ${component}'s Applications into the objects ArgoCD applies (dist/hydrated/${component})` },
    },
    codegen: {
      command: `${HOMELAB} codegen --component ${component}`,
      options: { cwd: "{workspaceRoot}" },
      cache: true,
      inputs: [
        `{projectRoot}/package.json`,
        `{projectRoot}/codegen.patch.json`,
        "^production",
        // The chart comes from the chart packages mirror when one is configured (templates feed the read-set),
        // else the values-only one; the template analyser's Go sources decide the read-set too.
        ...CODEGEN_MIRROR_ENV.map((env) => ({ env })),
        "{workspaceRoot}/packages/codegen/go/**/*",
        { runtime: "go version" },
      ],
      outputs: [`{workspaceRoot}/${projectRoot}/generated`],
      metadata: { description: `Generate the typed values of ${component}'s chart` },
    },
  };
}

/** @type {import("nx/src/project-graph/plugins/public-api").CreateNodes} */
const createNodes = [
  "packages/components/*/package.json",
  (files, _options, context) =>
    files.flatMap((file) => {
      const manifest = JSON.parse(readFileSync(path.join(context.workspaceRoot, file), "utf8"));
      const component = manifest.homelab && manifest.homelab.component;
      if (typeof component !== "string") return [];
      const projectRoot = path.posix.dirname(file);
      return [
        [
          file,
          {
            projects: {
              [projectRoot]: {
                tags: [COMPONENT_TAG],
                targets: componentTargets(component, projectRoot),
              },
            },
          },
        ],
      ];
    }),
];

module.exports = { createNodes, createNodesV2: createNodes, renderOutputs, HYDRATED_FOLDER, CODEGEN_MIRROR_ENV };

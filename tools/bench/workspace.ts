/**
 * Benchmark workspaces: a copy of this repository's working tree in a temp
 * folder, plus N synthetic components (so "N = 100" is the real cluster and 100
 * more applications). The copy has its own node_modules folder of symlinks to
 * this repo's installed packages, except @homelab/*, which point at the copy's
 * own packages: edits in the copy are what render and Nx see.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const REPO = path.resolve(import.meta.dirname, "../..");

/** Build outputs the copy uses from this repo instead of rebuilding (gitignored, so not in `git ls-files`). */
const SHARED_BUILDS = ["packages/policy/build", "packages/kubeconform-wasm/build"];

export interface Workspace {
  dir: string;
  /** Names of the synthetic components, in order. */
  synthetic: string[];
  remove(): void;
}

export const syntheticName = (i: number): string => `syn-${String(i).padStart(4, "0")}`;
const exportName = (name: string): string => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * An application like the bookmarks example (Deployment, Service, CNPG
 * database and backup, a public route behind forward-auth, two secrets from
 * Vault) or, every other one, a charted component (MetalLB's chart and its
 * generated values schema, values, extra manifests and a secret).
 */
function componentSource(name: string, i: number): string {
  const fn = exportName(name);
  if (i % 2 === 0) {
    return `import type { ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage } from "@homelab/core";
import { valuesSchema, type Values } from "@homelab/component-metallb/generated";
import manifest from "../package.json" with { type: "json" };

const NAME = "${name}";

/** Synthetic charted component for the benchmark. */
export function ${fn}(_cluster: ClusterFacts): Component<Values> {
  return {
    name: NAME,
    ...componentPackage(manifest, valuesSchema),
    layer: "apps",
    namespace: NAME,
    instances: [
      {
        name: NAME,
        values: {
          crds: { enabled: false },
          frrk8s: { enabled: false },
          speaker: { frr: { enabled: false }, tolerateMaster: true },
          controller: { logLevel: "${["info", "debug", "warn"][i % 3]}" },
        },
        manifests: [
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: \`\${NAME}-settings\`, namespace: NAME }, data: { INDEX: "${i}", MODE: "bench" } },
        ],
      },
    ],
    secrets: [{ name: \`\${NAME}-token\`, vaultPath: \`apps/\${NAME}/token\`, keys: { token: "token" } }],
  };
}
`;
  }
  return `import { haOnWorkers, type ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage } from "@homelab/core";
import { cnpgCluster, deployment, scheduledBackup, service } from "@homelab/crds";
import manifest from "../package.json" with { type: "json" };

const NAME = "${name}";
const DATABASE = \`\${NAME}-db\`;
const LABELS = { "app.kubernetes.io/name": NAME };

/** Synthetic application for the benchmark, shaped like the bookmarks example. */
export function ${fn}(cluster: ClusterFacts): Component {
  return {
    name: NAME,
    ...componentPackage(manifest),
    layer: "apps",
    namespace: NAME,
    instances: [
      {
        name: NAME,
        manifests: [
          deployment({
            metadata: { name: NAME, namespace: NAME, labels: LABELS },
            spec: {
              replicas: 2,
              selector: { matchLabels: LABELS },
              template: {
                metadata: { labels: LABELS },
                spec: {
                  affinity: haOnWorkers(LABELS),
                  containers: [
                    {
                      name: NAME,
                      image: "registry.example/app:${i}.0.0",
                      ports: [{ name: "http", containerPort: 8080 }],
                      env: [
                        { name: "DB_HOST", value: \`\${DATABASE}-rw\` },
                        { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: \`\${DATABASE}-app\`, key: "password" } } },
                        { name: "ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: \`\${NAME}-admin\`, key: "password" } } },
                      ],
                      readinessProbe: { httpGet: { path: "/health", port: "http" } },
                      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                    },
                  ],
                },
              },
            },
          }),
          service({ metadata: { name: NAME, namespace: NAME, labels: LABELS }, spec: { selector: LABELS, ports: [{ name: "http", port: 80, targetPort: "http" }] } }),
          cnpgCluster({
            metadata: { name: DATABASE, namespace: NAME },
            spec: {
              instances: 2,
              bootstrap: { initdb: { database: "app", owner: "app" } },
              storage: { size: "1Gi" },
              backup: {
                retentionPolicy: "7d",
                barmanObjectStore: {
                  destinationPath: \`s3://cnpg-backups/\${NAME}\`,
                  endpointURL: cluster.storage.objectStore.endpoint,
                  s3Credentials: {
                    accessKeyId: { name: \`\${NAME}-db-backup\`, key: "ACCESS_KEY_ID" },
                    secretAccessKey: { name: \`\${NAME}-db-backup\`, key: "ACCESS_SECRET_KEY" },
                  },
                },
              },
            },
          }),
          scheduledBackup({ metadata: { name: \`\${DATABASE}-daily\`, namespace: NAME }, spec: { schedule: "0 30 3 * * *", cluster: { name: DATABASE }, backupOwnerReference: "self" } }),
        ],
      },
    ],
    routes: [{ name: NAME, exposure: "public", auth: "forward-auth", service: { name: NAME, port: 80 } }],
    secrets: [
      { name: \`\${NAME}-admin\`, vaultPath: \`apps/\${NAME}/admin\`, keys: { password: "password" } },
      { name: \`\${NAME}-db-backup\`, vaultPath: cluster.storage.objectStore.vaultPath, keys: { ACCESS_KEY_ID: "access-key-id", ACCESS_SECRET_KEY: "secret-access-key" } },
    ],
    dependsOn: ["traefik", "authentik", "cloudnative-pg", "external-secrets"],
  };
}
`;
}

function componentManifest(name: string, i: number): string {
  const deps: Record<string, string> = { "@homelab/cluster": "*", "@homelab/core": "*" };
  if (i % 2 === 0) deps["@homelab/component-metallb"] = "*";
  else {
    deps["@homelab/crds"] = "*";
    for (const c of ["traefik", "authentik", "cloudnative-pg", "external-secrets"]) deps[`@homelab/component-${c}`] = "*";
  }
  return `${JSON.stringify(
    {
      name: `@homelab/component-${name}`,
      version: "0.1.0",
      private: true,
      description: `Synthetic benchmark component ${i}.`,
      type: "module",
      exports: { ".": "./src/index.ts" },
      homelab: { component: name },
      dependencies: deps,
    },
    null,
    2,
  )}\n`;
}

/** The file the affected scenario edits, and an edit that changes the rendered output. */
export function editOne(ws: Workspace, run: number): string {
  // syn-0001 is an application (odd numbers are); the real cluster's leaf application otherwise.
  const name = ws.synthetic[0] ?? "bookmarks";
  const file = path.join(ws.dir, "packages/components", name, "src/index.ts");
  const text = readFileSync(file, "utf8");
  const next = text.replace(/replicas: \d+,/, `replicas: ${3 + run},`);
  if (next === text) throw new Error(`no replicas to edit in ${file}`);
  writeFileSync(file, next);
  return path.relative(ws.dir, file);
}

function linkPackage(nodeModules: string, pkgDir: string): void {
  const name = (JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { name: string }).name;
  const link = path.join(nodeModules, name);
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(path.relative(path.dirname(link), pkgDir), link);
}

const git = (dir: string, ...args: string[]): void => {
  execFileSync("git", ["-c", "user.email=bench@example.invalid", "-c", "user.name=bench", "-c", "commit.gpgsign=false", ...args], {
    cwd: dir,
    stdio: "ignore",
  });
};

export function createWorkspace(n: number, label = `n${n}`): Workspace {
  const dir = mkdtempSync(path.join(tmpdir(), `homelab-bench-${label}-`));
  // The working tree as it is (tracked and untracked, not ignored), build outputs linked.
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: REPO, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    const from = path.join(REPO, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(from, path.join(dir, file));
  }
  for (const build of SHARED_BUILDS) if (existsSync(path.join(REPO, build))) symlinkSync(path.join(REPO, build), path.join(dir, build));

  const synthetic: string[] = [];
  const components = path.join(dir, "packages/components");
  for (let i = 1; i <= n; i++) {
    const name = syntheticName(i);
    synthetic.push(name);
    mkdirSync(path.join(components, name, "src"), { recursive: true });
    writeFileSync(path.join(components, name, "package.json"), componentManifest(name, i));
    writeFileSync(path.join(components, name, "src/index.ts"), componentSource(name, i));
  }
  if (n > 0) {
    const configFile = path.join(dir, "homelab.config.ts");
    const config = readFileSync(configFile, "utf8");
    const imports = synthetic.map((name) => `import { ${exportName(name)} } from "@homelab/component-${name}";`).join("\n");
    const withImports = config.replace(/^import \{ defineConfig \} from "@homelab\/core";$/m, (line) => `${line}\n${imports}`);
    const next = withImports.replace(
      /(\n\s*components: \[[\s\S]*?)(\n\s*\],\n\}\);)/,
      (_, list: string, end: string) => `${list}\n    ${synthetic.map(exportName).join(",\n    ")},${end}`,
    );
    if (next === withImports || withImports === config) throw new Error("could not add the synthetic components to homelab.config.ts");
    writeFileSync(configFile, next);
  }

  // node_modules: this repo's packages, but @homelab/* from the copy.
  const nodeModules = path.join(dir, "node_modules");
  mkdirSync(nodeModules);
  for (const entry of readdirSync(path.join(REPO, "node_modules"))) {
    if (entry === "@homelab" || entry === ".cache") continue;
    symlinkSync(path.join(REPO, "node_modules", entry), path.join(nodeModules, entry));
  }
  for (const parent of ["packages", "packages/components"]) {
    for (const entry of readdirSync(path.join(dir, parent), { withFileTypes: true })) {
      const pkg = path.join(dir, parent, entry.name);
      if (!entry.isDirectory() || !existsSync(path.join(pkg, "package.json"))) continue;
      linkPackage(nodeModules, pkg);
      // Versions npm installed beside a package (another major than the root's).
      const nested = path.join(REPO, parent, entry.name, "node_modules");
      if (existsSync(nested)) symlinkSync(nested, path.join(pkg, "node_modules"));
    }
  }

  // The compiled framework, as `nx run-many -t build` leaves it in a checkout (build/ is gitignored, so not copied).
  execFileSync(process.execPath, [path.join(dir, "packages/cli/scripts/build.mjs")], { cwd: dir, stdio: "ignore" });

  // A git repository: `nx affected` compares with a base commit.
  writeFileSync(path.join(dir, ".gitignore"), `${readFileSync(path.join(REPO, ".gitignore"), "utf8")}\n/node_modules\n`);
  git(dir, "init", "-q", "-b", "main");
  const ws = { dir, synthetic, remove: () => rmSync(dir, { recursive: true, force: true }) };
  commitAll(ws, "bench workspace");
  return ws;
}

export function commitAll(ws: Workspace, message: string): void {
  git(ws.dir, "add", "-A");
  git(ws.dir, "commit", "-q", "--allow-empty", "-m", message);
}

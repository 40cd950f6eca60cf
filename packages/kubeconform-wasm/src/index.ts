import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { buildCommand, coreSchemaDir, crdLocation, crdSchemaDir, engineFingerprint, ensureArtifacts, schemasRoot } from "./artifacts.js";
import { toDiagnostics, type ManifestFile, type SchemaDiagnostic } from "./diagnostics.js";
import { openMemo } from "./memo.js";
import { Pool } from "./pool.js";
import { Shim } from "./wasm.js";

export type { ManifestFile, SchemaDiagnostic, DiagnosticCode } from "./diagnostics.js";
export { build, type BuildOptions, type BuildResult } from "./build.js";
export { generateSchemas, schemaFileName, type SchemaFile, type Swagger } from "./schemas.js";
export { coreSchemaDir, crdSchemaDir, crdLocation, buildCommand, wasmPath, nativePath } from "./artifacts.js";

export interface ValidateOptions {
  /** e.g. "1.35.4" (`homelab.kubernetes.version` of @homelab/cluster). */
  kubernetesVersion: string;
  /** Unknown fields and duplicate keys are errors. Default true. */
  strict?: boolean;
  /**
   * Local folders (kubeconform's `<dir>/v<version>-standalone[-strict]/<kind>-<group>-<version>.json`
   * layout) or path templates (`{{.Group}}`, `{{.ResourceKind}}`, ...), tried in order.
   * Default: the built core schemas, then the CRD schemas of @homelab/crds.
   */
  schemaLocations?: string[];
  /** `"group/version/Kind"` (core: `"v1/Kind"`) or `"Kind"` → why it is not validated. */
  skipKinds?: Record<string, string>;
  /**
   * A folder for the memo of files that validated clean (see memo.ts): a file
   * whose text, engine, configuration and schemas are unchanged is not
   * validated again. Default: no memo.
   */
  memoDir?: string;
  /**
   * Most threads for one batch: the calling thread plus worker threads, each
   * with its own instance of the module, started on the first batch large
   * enough (2 MB per thread). Default: the cores Node may use, at most 4.
   */
  threads?: number;
}

export interface Validator {
  validate(files: ManifestFile[]): Promise<SchemaDiagnostic[]>;
  close(): void;
}

/** Loads kubeconform once; the validator then takes any number of batches. */
export async function createValidator(options: ValidateOptions): Promise<Validator> {
  const strict = options.strict ?? true;
  const skipKinds = Object.entries(options.skipKinds ?? {});
  for (const [kind, reason] of skipKinds) {
    if (!reason.trim()) {
      throw new HomelabError(ErrorCode.Config, `skipKinds["${kind}"] needs a reason: a skipped kind is never validated`);
    }
  }
  const locations = options.schemaLocations ?? defaultSchemaLocations(options.kubernetesVersion, strict);
  const { preopens, guest } = mapLocations(locations);
  const config = {
    kubernetesVersion: options.kubernetesVersion,
    strict,
    schemaLocations: guest,
    skipKinds: skipKinds.map(([kind]) => kind),
  };
  // The module starts on the first file the memo does not know: a run the memo answers whole never loads it.
  let pool: Promise<Pool> | undefined;
  let closed = false;
  const start = async (): Promise<Pool> => new Pool(await Shim.load(preopens, config), preopens, config, options.threads ?? defaultThreads());
  const engine = options.memoDir === undefined ? undefined : engineFingerprint();
  const memo = options.memoDir === undefined || engine === undefined ? undefined : openMemo(options.memoDir, engine, config, Object.values(preopens));
  const context = { kubernetesVersion: options.kubernetesVersion };
  return {
    async validate(files) {
      if (closed) throw new Error("validator used after close()");
      const todo = memo ? files.filter((f) => !memo.isClean(f.text)) : files;
      if (todo.length === 0) return [];
      pool ??= start();
      const buffers = todo.map((f) => Buffer.from(f.text, "utf8"));
      const answer = await (await pool).validate(buffers);
      const diagnostics = toDiagnostics(todo, buffers, answer.findings, context);
      if (memo) {
        const dirty = new Set(diagnostics.map((d) => d.file));
        for (const f of todo) if (!dirty.has(f.file)) memo.rememberClean(f.text);
      }
      return diagnostics;
    },
    close() {
      closed = true;
      // Instances and their memory go with the last reference.
      void pool?.then(
        (p) => p.close(),
        () => undefined,
      );
      pool = undefined;
    },
  };
}

/** One-shot validation; for many calls keep a `createValidator` instance. */
export async function validate(files: ManifestFile[], options: ValidateOptions): Promise<SchemaDiagnostic[]> {
  const validator = await createValidator(options);
  try {
    return await validator.validate(files);
  } finally {
    validator.close();
  }
}

function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * The default schema locations: the built core schemas (built on first use), then
 * `extra` (for example the CRDs a cluster's charts install, which must win over
 * ours), then the CRD schemas of @homelab/crds.
 */
export function defaultSchemaLocations(kubernetesVersion: string, strict: boolean, extra: readonly string[] = []): string[] {
  const core = coreSchemaDir(kubernetesVersion, strict);
  if (!existsSync(core)) ensureArtifacts(kubernetesVersion);
  if (!existsSync(core)) {
    throw new HomelabError(ErrorCode.MissingArtifact, `no core schemas for Kubernetes ${kubernetesVersion} (${core})`, {
      hint: `run \`${buildCommand(kubernetesVersion)}\` (needs Go and the Go module proxy)`,
    });
  }
  const crds = crdSchemaDir();
  return [schemasRoot, ...extra, ...(crds ? [crdLocation(crds)] : [])];
}

/**
 * The module sees the file system only through WASI preopens: each location's
 * fixed directory part becomes `/schemas/<n>` inside the guest.
 */
function mapLocations(locations: readonly string[]): { preopens: Record<string, string>; guest: string[] } {
  const preopens: Record<string, string> = {};
  const guest: string[] = [];
  locations.forEach((location, index) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
      throw new HomelabError(ErrorCode.Config, `schema location ${location} is not a local path: validation is offline`);
    }
    const template = location.indexOf("{{");
    let dir: string;
    let rest: string;
    if (template >= 0) {
      const cut = location.lastIndexOf("/", template);
      dir = path.resolve(cut > 0 ? location.slice(0, cut) : ".");
      rest = cut >= 0 ? location.slice(cut) : `/${location}`;
    } else {
      dir = path.resolve(location);
      rest = "";
    }
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new HomelabError(ErrorCode.Config, `schema location ${location}: folder ${dir} does not exist`);
    }
    const mount = `/schemas/${index}`;
    preopens[mount] = dir;
    guest.push(`${mount}${rest}`);
  });
  return { preopens, guest };
}

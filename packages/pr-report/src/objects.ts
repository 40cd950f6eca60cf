/**
 * The diff of the objects ArgoCD will apply, per Application: which objects
 * (kind/namespace/name) are added, removed or changed, the field paths that
 * changed, and a compact YAML diff of each changed object. Review reads
 * this next to the diff of the files we render, because a one-line values
 * change can rewrite a dozen objects of a chart (and a big values diff can
 * change nothing).
 */
import { structuredPatch } from "diff";
import { stringifyYaml } from "@homelab/yaml";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** One object of one Application, at one commit. */
export interface SnapshotObject {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
  value: Obj;
}

/** The objects of one Application at one commit. */
export interface ApplicationObjects {
  application: string;
  component: string;
  objects: SnapshotObject[];
}

export interface ObjectRef {
  /** `group/Kind` (`Kind` for the core group), as ArgoCD shows it. */
  kind: string;
  namespace: string | null;
  name: string;
}

export interface ObjectChange extends ObjectRef {
  change: "added" | "removed" | "changed";
  /** Changed field paths (`spec.template.spec.containers[name=traefik].args`); empty for added/removed. */
  paths: string[];
  /** Unified diff of the object's YAML (whole object for added/removed), without file headers. */
  patch: string;
  additions: number;
  deletions: number;
}

export interface ApplicationObjectDiff {
  application: string;
  component: string;
  change: "added" | "removed" | "changed";
  objects: ObjectChange[];
}

/** Fields ArgoCD does not compare (server-side or generated); never a review difference. */
const IGNORED_METADATA = ["creationTimestamp", "resourceVersion", "uid", "generation", "managedFields"];

function normalise(value: Obj): Obj {
  const copy = structuredClone(value);
  if (isObj(copy.metadata)) for (const key of IGNORED_METADATA) delete copy.metadata[key];
  delete copy.status;
  return copy;
}

const groupKind = (apiVersion: string, kind: string): string => (apiVersion.includes("/") ? `${apiVersion.slice(0, apiVersion.indexOf("/"))}/${kind}` : kind);
/** Identity as ArgoCD keys resources: group, kind, namespace, name (the version is not part of it). */
const keyOf = (o: SnapshotObject): string => `${groupKind(o.apiVersion, o.kind)}\u0000${o.namespace ?? ""}\u0000${o.name}`;

/** A list whose items are objects with unique names (containers, env, ports, volumes) is compared by name, as a strategic merge would. */
function namedList(items: readonly unknown[]): Map<string, unknown> | undefined {
  if (items.length === 0 || !items.every((i) => isObj(i) && typeof i.name === "string")) return undefined;
  const map = new Map(items.map((i) => [(i as Obj).name as string, i]));
  return map.size === items.length ? map : undefined;
}

const segment = (key: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** Leaf paths where two values differ. */
export function changedPaths(before: unknown, after: unknown, at = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], `${at}${segment(k)}`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = namedList(before);
    const b = namedList(after);
    if (a && b) {
      const names = [...new Set([...a.keys(), ...b.keys()])];
      return names.flatMap((n) => changedPaths(a.get(n), b.get(n), `${at}[name=${n}]`));
    }
    if (before.length === after.length) return before.flatMap((v, i) => changedPaths(v, after[i], `${at}[${i}]`));
  }
  return [at.replace(/^\./, "") || "(root)"];
}

function patchOf(before: Obj | null, after: Obj | null): { patch: string; additions: number; deletions: number } {
  const a = before ? stringifyYaml(before) : "";
  const b = after ? stringifyYaml(after) : "";
  const { hunks } = structuredPatch("base", "head", a, b, "", "", { context: 2 });
  let additions = 0;
  let deletions = 0;
  const lines: string[] = [];
  for (const h of hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) {
      if (l.startsWith("+")) additions++;
      else if (l.startsWith("-")) deletions++;
      if (!l.startsWith("\\")) lines.push(l);
    }
  }
  return { patch: lines.join("\n"), additions, deletions };
}

const refOf = (o: SnapshotObject): ObjectRef => ({ kind: groupKind(o.apiVersion, o.kind), namespace: o.namespace, name: o.name });

function compareRefs(a: ObjectRef, b: ObjectRef): number {
  return a.kind.localeCompare(b.kind) || (a.namespace ?? "").localeCompare(b.namespace ?? "") || a.name.localeCompare(b.name);
}

/** What ArgoCD will change, per Application, going from `base` to `head`. Unchanged Applications are left out. */
export function objectDiff(base: readonly ApplicationObjects[], head: readonly ApplicationObjects[]): ApplicationObjectDiff[] {
  const before = new Map(base.map((a) => [a.application, a]));
  const after = new Map(head.map((a) => [a.application, a]));
  const out: ApplicationObjectDiff[] = [];
  for (const application of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(application);
    const a = after.get(application);
    const bObjects = new Map((b?.objects ?? []).map((o) => [keyOf(o), o]));
    const aObjects = new Map((a?.objects ?? []).map((o) => [keyOf(o), o]));
    const objects: ObjectChange[] = [];
    for (const key of new Set([...bObjects.keys(), ...aObjects.keys()])) {
      const old = bObjects.get(key);
      const now = aObjects.get(key);
      const oldValue = old ? normalise(old.value) : null;
      const newValue = now ? normalise(now.value) : null;
      if (old && now) {
        const paths = changedPaths(oldValue, newValue);
        if (paths.length === 0) continue;
        objects.push({ ...refOf(now), change: "changed", paths, ...patchOf(oldValue, newValue) });
      } else if (now) objects.push({ ...refOf(now), change: "added", paths: [], ...patchOf(null, newValue) });
      else if (old) objects.push({ ...refOf(old), change: "removed", paths: [], ...patchOf(oldValue, null) });
    }
    if (objects.length === 0 && a && b) continue;
    const order = { removed: 0, changed: 1, added: 2 } as const;
    objects.sort((x, y) => compareRefs(x, y) || order[x.change] - order[y.change]);
    out.push({ application, component: (a ?? b)!.component, change: !b ? "added" : !a ? "removed" : "changed", objects });
  }
  return out;
}

/** `Deployment traefik/traefik-public` */
export function describeRef(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
}

/** How many objects an Application diff adds, changes and removes: `+1 ~2 −0`. */
export function objectCounts(d: ApplicationObjectDiff): { added: number; changed: number; removed: number } {
  const count = (c: ObjectChange["change"]) => d.objects.filter((o) => o.change === c).length;
  return { added: count("added"), changed: count("changed"), removed: count("removed") };
}

/** Plain text for a terminal (`homelab diff`): one block per Application, object lines, changed paths, the YAML diff. */
export function formatObjectDiffText(diffs: readonly ApplicationObjectDiff[], options: { patches?: boolean; maxPaths?: number } = {}): string {
  if (diffs.length === 0) return "No rendered object changes.\n";
  const maxPaths = options.maxPaths ?? 12;
  const lines: string[] = [];
  for (const d of diffs) {
    const n = objectCounts(d);
    lines.push(`${d.application} (${d.component}): ${d.change}, ${n.added} added, ${n.changed} changed, ${n.removed} removed`);
    for (const o of d.objects) {
      const mark = o.change === "added" ? "+" : o.change === "removed" ? "-" : "~";
      lines.push(`  ${mark} ${describeRef(o)}`);
      for (const p of o.paths.slice(0, maxPaths)) lines.push(`      ${p}`);
      if (o.paths.length > maxPaths) lines.push(`      ... and ${o.paths.length - maxPaths} more field(s)`);
      if (options.patches !== false && o.change === "changed") for (const l of o.patch.split("\n")) lines.push(`      ${l}`);
    }
    lines.push("");
  }
  return `${lines.join("\n")}`;
}

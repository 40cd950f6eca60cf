/**
 * Helpers for component tests: render one component in memory and look at
 * what it produces, parsed. Not part of the runtime API.
 */
import { homelab, type ClusterFacts } from "@homelab/cluster";
import { validateCustomResource, type CrdSchemaProblem } from "@homelab/crds";
import { YamlSource } from "@homelab/yaml";
import type { ComponentFactory, KubernetesObject } from "../model.js";
import { renderComponent, type RenderedFile } from "../plan.js";

export interface RenderedObject {
  path: string;
  object: KubernetesObject & Record<string, any>;
}

export interface TestRender {
  files: RenderedFile[];
  /** Every YAML document render wrote except values files. */
  objects: RenderedObject[];
  /** Parsed values.yaml of an instance (the first when not named). */
  values(instance?: string): Record<string, any>;
  /** The one rendered object of that kind (and name, when given); throws when absent or ambiguous. */
  object(kind: string, name?: string): KubernetesObject & Record<string, any>;
  /** CRD schema problems of every rendered custom resource, by file. */
  crdProblems(): Record<string, CrdSchemaProblem[]>;
}

export function renderForTest(factory: ComponentFactory<any>, cluster: ClusterFacts = homelab): TestRender {
  const component = factory(cluster);
  const { files } = renderComponent(cluster, component);
  const objects = files
    .filter((f) => !f.path.endsWith("/values.yaml"))
    .flatMap((f) =>
      YamlSource.parse(f.content, f.path)
        .nonEmpty()
        .map((d) => ({ path: f.path, object: d.value as RenderedObject["object"] })),
    );
  return {
    files,
    objects,
    values(instance) {
      const name = instance ?? component.instances[0]!.name;
      const file = files.find(
        (f) =>
          f.path.endsWith("/values.yaml") &&
          (f.path.endsWith(`/${name}/values.yaml`) || (name === component.name && f.path.endsWith(`/${component.name}/values.yaml`))),
      );
      if (!file) throw new Error(`no values file for instance ${name}`);
      return (YamlSource.parse(file.content, file.path).documents[0]?.value ?? {}) as Record<string, any>;
    },
    object(kind, name) {
      const found = objects.filter((o) => o.object.kind === kind && (name === undefined || o.object.metadata.name === name));
      if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`);
      return found[0]!.object;
    },
    crdProblems() {
      const out: Record<string, CrdSchemaProblem[]> = {};
      for (const { path, object } of objects) {
        const problems = validateCustomResource(object);
        if (problems && problems.length) out[path] = problems;
      }
      return out;
    },
  };
}
export { demoComponent, demoConfig, demoSchema, type DemoValues } from "./fixtures.js";

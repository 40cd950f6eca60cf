import { ErrorCode, HomelabError } from "@homelab/errors";
import { dns1123LabelProblem } from "@homelab/layout";
import { LAYERS, layer, type Component, type HomelabConfig } from "./model.js";

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * Builds every component from the cluster facts and checks the model as a
 * whole (names, layers, dependencies). All problems are collected and thrown
 * once, so a user fixes them in one round.
 */
export function instantiate(config: HomelabConfig): Component[] {
  const components = config.components.map((factory) => factory(config.cluster));
  const problems: string[] = [];
  const byName = new Map<string, Component>();
  for (const component of components) {
    const where = `component ${JSON.stringify(component.name)}`;
    const nameProblem = dns1123LabelProblem(component.name);
    if (nameProblem) problems.push(`${where}: name ${nameProblem}`);
    if (byName.has(component.name)) problems.push(`${where}: defined twice`);
    byName.set(component.name, component);
    if (!LAYERS.some((l) => l.name === component.layer)) problems.push(`${where}: unknown layer ${JSON.stringify(component.layer)}`);
    const namespaceProblem = dns1123LabelProblem(component.namespace);
    if (namespaceProblem) problems.push(`${where}: namespace ${JSON.stringify(component.namespace)} ${namespaceProblem}`);
    if ((component.chart === undefined) !== (component.valuesSchema === undefined)) {
      problems.push(`${where}: give both chart and valuesSchema (from the chart's generated module) or neither`);
    }
    if (!component.chart && component.instances.some((i) => i.values !== undefined)) {
      problems.push(`${where}: has values but no chart to give them to`);
    }
    if (component.chart && !EXACT_VERSION.test(component.chart.version)) {
      problems.push(
        `${where}: chart version ${JSON.stringify(component.chart.version)} is not an exact version (ranges and 'latest' make renders unreproducible)`,
      );
    }
    if (component.instances.length === 0) problems.push(`${where}: has no instance`);
    const instanceNames = new Set<string>();
    for (const instance of component.instances) {
      const instanceProblem = dns1123LabelProblem(instance.name);
      if (instanceProblem) problems.push(`${where}: instance name ${JSON.stringify(instance.name)} ${instanceProblem}`);
      const instanceNamespaceProblem = instance.namespace === undefined ? undefined : dns1123LabelProblem(instance.namespace);
      if (instanceNamespaceProblem)
        problems.push(`${where}: instance ${JSON.stringify(instance.name)} namespace ${JSON.stringify(instance.namespace)} ${instanceNamespaceProblem}`);
      if (instanceNames.has(instance.name)) problems.push(`${where}: instance ${JSON.stringify(instance.name)} defined twice`);
      instanceNames.add(instance.name);
    }
    for (const route of component.routes ?? []) {
      if (route.instance !== undefined && !instanceNames.has(route.instance)) {
        problems.push(`${where}: route ${JSON.stringify(route.name)} names unknown instance ${JSON.stringify(route.instance)}`);
      }
      if (route.admin && route.exposure === "public") {
        // Kept as a model error rather than a policy finding: an admin UI on the internet is never a deliberate default.
        problems.push(`${where}: route ${JSON.stringify(route.name)} is an admin UI and must use the private exposure`);
      }
    }
    for (const waiver of component.waivers ?? []) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(waiver.expires) || Number.isNaN(Date.parse(waiver.expires))) {
        problems.push(`${where}: waiver for ${JSON.stringify(waiver.rule)} has expiry ${JSON.stringify(waiver.expires)}, expected YYYY-MM-DD`);
      }
      if (!waiver.reason.trim()) problems.push(`${where}: waiver for ${JSON.stringify(waiver.rule)} needs a reason`);
    }
  }
  for (const component of components) {
    const own = layer(component.layer);
    for (const dependency of component.dependsOn ?? []) {
      const target = byName.get(dependency);
      if (!target) {
        problems.push(`component ${JSON.stringify(component.name)}: depends on unknown component ${JSON.stringify(dependency)}`);
        continue;
      }
      if (layer(target.layer).order > own.order && !component.allowLaterLayerDependencies?.[dependency]) {
        problems.push(
          `component ${JSON.stringify(component.name)} (layer ${own.name}) depends on ${JSON.stringify(dependency)} in the later layer ${target.layer}: ` +
            `ArgoCD syncs ${own.name} first, so declare it in allowLaterLayerDependencies with the reason it still converges`,
        );
      }
    }
  }
  // Allowed later-layer dependencies converge by retrying, not by ordering: they cannot deadlock a sync.
  const cycle = findCycle(components.map((c) => ({ ...c, dependsOn: (c.dependsOn ?? []).filter((d) => !c.allowLaterLayerDependencies?.[d]) })));
  if (cycle) problems.push(`dependency cycle: ${cycle.join(" -> ")}`);
  if (problems.length > 0) {
    throw new HomelabError(ErrorCode.Config, `${problems.length} problem(s) in the component definitions`, { details: problems });
  }
  return components;
}

function findCycle(components: readonly Component[]): string[] | undefined {
  const edges = new Map(components.map((c) => [c.name, c.dependsOn ?? []] as const));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      if (!edges.has(next)) continue;
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const c of components) {
    const found = visit(c.name);
    if (found) return found;
  }
  return undefined;
}

import { APPLICATIONS_FOLDER, layer, type Component, type Instance, type LayerName } from "./model.js";

/** Folder of one instance: the component folder itself when the instance carries the component's name. */
export function instanceFolder(component: Component, instance: Instance<unknown>): string {
  const base = `${layer(component.layer).folder}/${component.name}`;
  return instance.name === component.name ? base : `${base}/${instance.name}`;
}

export function valuesFile(component: Component, instance: Instance<unknown>): string {
  return `${instanceFolder(component, instance)}/values.yaml`;
}

/** The manifests folder; `syncedWith` names the later layer a deferred part is synced with. */
export function manifestsFolder(component: Component, instance: Instance<unknown>, syncedWith?: LayerName): string {
  return `${instanceFolder(component, instance)}/${syncedWith ? `manifests-${syncedWith}` : "manifests"}`;
}

export function applicationSetFile(component: Component): string {
  return `${APPLICATIONS_FOLDER}/${component.name}.yaml`;
}

/** Where render keeps its record of the files it wrote for a component. */
export const RECORDS_FOLDER = ".homelab/rendered";

export function recordFile(componentName: string): string {
  return `${RECORDS_FOLDER}/${componentName}.json`;
}

export function releaseName(component: Component, instance: Instance<unknown>): string {
  if (instance.releaseName) return instance.releaseName;
  return instance.name === component.name ? component.name : `${component.name}-${instance.name}`;
}

export function instanceNamespace(component: Component, instance: Instance<unknown>): string {
  return instance.namespace ?? component.namespace;
}

import { applicationSetPath, componentFolder } from "@homelab/layout";
import type { Component, Instance, LayerName } from "./model.js";

/** Folder of one instance: the component folder itself when the instance carries the component's name. */
export function instanceFolder(component: Component, instance: Instance<unknown>): string {
  const base = componentFolder(component.layer, component.name);
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
  return applicationSetPath(component.name);
}

export { RECORDS_FOLDER, recordFile } from "@homelab/layout";

export function releaseName(component: Component, instance: Instance<unknown>): string {
  if (instance.releaseName) return instance.releaseName;
  return instance.name === component.name ? component.name : `${component.name}-${instance.name}`;
}

export function instanceNamespace(component: Component, instance: Instance<unknown>): string {
  return instance.namespace ?? component.namespace;
}

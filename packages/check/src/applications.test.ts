import { HomelabError } from "@homelab/errors";
import { YamlSource } from "@homelab/yaml";
import { describe, expect, it } from "vitest";
import { applicationsOf } from "./applications.js";
import { classifyDocuments } from "./model/documents.js";

const FILE = "apps-root-config/applications/traefik.yaml";

// The wave comes from a conditional, the private instance's extra source and sync options from the templatePatch:
// what ArgoCD (and hydrate) make of it, which a `{{.field}}` substitution of the template alone does not see.
const SET = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: traefik
  labels: { homelab.dev/component: traefik }
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - list:
        elements:
          - instance: public
          - instance: private
  template:
    metadata:
      name: "traefik-{{ .instance }}"
      annotations:
        argocd.argoproj.io/sync-wave: '{{ if eq .instance "private" }}3{{ else }}2{{ end }}'
    spec:
      project: default
      destination: { server: https://kubernetes.default.svc, namespace: "traefik-{{.instance}}" }
      sources:
        - { repoURL: https://traefik.github.io/charts, chart: traefik, targetRevision: 41.3.0 }
  templatePatch: |
    {{- if eq .instance "private" }}
    spec:
      syncPolicy: { syncOptions: [ServerSideApply=true] }
      sources:
        - { repoURL: https://traefik.github.io/charts, chart: traefik, targetRevision: 41.3.0, helm: { releaseName: traefik-private } }
        - { repoURL: https://git.example/homelab.git, path: cluster-critical-apps/traefik/private/manifests }
    {{- end }}
`;

const documentsOf = (text: string) => {
  const source = YamlSource.parse(text, FILE);
  return source.documents.map((d) => ({
    file: FILE,
    index: d.index,
    component: "traefik",
    instance: null,
    layerOrder: 2,
    object: d.value as Record<string, unknown>,
  }));
};

describe("applicationsOf", () => {
  it("sees the Applications an ApplicationSet renders to, templatePatch and conditionals included", () => {
    const apps = applicationsOf(documentsOf(SET));
    expect(apps.map(({ name, wave, syncOptions, namespace, paths }) => ({ name, wave, syncOptions, namespace, paths }))).toEqual([
      { name: "traefik-public", wave: 2, syncOptions: [], namespace: "traefik-public", paths: [] },
      {
        name: "traefik-private",
        wave: 3,
        syncOptions: ["ServerSideApply=true"],
        namespace: "traefik-private",
        paths: ["cluster-critical-apps/traefik/private/manifests"],
      },
    ]);
    expect(apps[1]!.charts).toEqual([
      { chart: "traefik", version: "41.3.0", repoURL: "https://traefik.github.io/charts", releaseName: "traefik-private", valueFiles: [] },
    ]);
  });
});

describe("classifyDocuments", () => {
  it("stops at a template that does not render, naming its file and line (exit 2), as hydrate does", () => {
    const broken = SET.replace('"traefik-{{ .instance }}"', '"traefik-{{ .name }}"');
    const files = [{ file: FILE, source: YamlSource.parse(broken, FILE) }];
    try {
      classifyDocuments(files);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HomelabError);
      expect((error as HomelabError).message).toBe('ApplicationSet traefik, element 0 (public): map has no entry for key "name"');
      expect((error as HomelabError).position).toMatchObject({ file: FILE, line: 16 });
    }
  });
});

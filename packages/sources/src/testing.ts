/**
 * Test fixtures for the stages that read ApplicationSets (sources, hydrate,
 * check), so each tests the same reading; imported by test files only.
 */

/**
 * An ApplicationSet whose Applications only a real rendering reads right:
 * element b's sync wave comes from a conditional, its sources, sync options
 * and finalizers from the templatePatch. `name: "{{.application}}"` is line 19.
 */
export const APPLICATION_SET = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: demo
  labels:
    homelab.dev/component: demo
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - list:
        elements:
          - instance: a
            application: demo-a
          - instance: b
            application: demo-b
  template:
    metadata:
      name: "{{.application}}"
      finalizers: [resources-finalizer.argocd.argoproj.io]
      annotations:
        argocd.argoproj.io/sync-wave: '{{ if eq .instance "b" }}3{{ else }}2{{ end }}'
    spec:
      project: default
      destination: { server: https://kubernetes.default.svc, namespace: "demo-{{.instance}}" }
      sources:
        - { repoURL: https://charts.example.test, chart: demo, targetRevision: 1.0.0, helm: { releaseName: "{{.application}}" } }
  templatePatch: |
    {{- if eq .instance "b" }}
    metadata:
      finalizers: [extra]
      labels: { patched: "yes" }
    spec:
      syncPolicy: { syncOptions: [ServerSideApply=true] }
      sources:
        - { repoURL: https://charts.example.test, chart: demo, targetRevision: 1.0.0, helm: { skipCrds: true } }
        - { repoURL: https://git.example.test/homelab.git, path: cluster-workload-apps/demo/b/manifests }
    {{- end }}
`;

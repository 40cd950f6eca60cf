// Type test: checked by `tsc` (root typecheck and types.test.ts). Each @ts-expect-error must catch a real mistake.
import type { Values as ArgoValues } from "@homelab/component-argocd/generated";
import type { Values as KpsValues } from "@homelab/component-kube-prometheus-stack/generated";
import type { Values as MetallbValues } from "@homelab/component-metallb/generated";
import type { Values as TraefikValues } from "@homelab/component-traefik/generated";

export const metallb: MetallbValues = {
  controller: { logLevel: "debug" },
  // null deletes a default (Helm semantics)
  speaker: { frr: null },
};

export const traefik: TraefikValues = {
  ports: { web: { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } } },
  providers: { kubernetesCRD: { allowCrossNamespace: true } },
  deployment: { podAnnotations: { "example.test/any": "free-form map" } },
};

export const argo: ArgoValues = {
  configs: { params: { "server.insecure": true }, cm: { "admin.enabled": false } },
};

export const kps: KpsValues = {
  // Subchart values are typed from the carried subchart (its values.yaml and templates).
  grafana: { enabled: true, persistence: { enabled: true }, "grafana.ini": { server: { root_url: "https://grafana.example.test" } } },
};

// @ts-expect-error typo'd key of a subchart (grafana, carried by kube-prometheus-stack)
export const typoSubchart: KpsValues = { grafana: { adminPasswrd: "x" } };

// @ts-expect-error typo'd top-level key
export const typoTop: MetallbValues = { controler: { logLevel: "debug" } };

// @ts-expect-error typo'd nested key
export const typoNested: TraefikValues = { providers: { kubernetesCRD: { allowCrossNamespaces: true } } };

// @ts-expect-error wrong type for a known key
export const wrongType: MetallbValues = { controller: { enabled: "yes" } };

// @ts-expect-error typo inside an inferred (no values.schema.json) chart
export const typoInferred: ArgoValues = { server: { replicasCount: 2 } };

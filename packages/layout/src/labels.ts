/** Label and annotation keys render stamps, read back by check, policy and ArgoCD's UI. */
export const LABELS = {
  component: "homelab.dev/component",
  instance: "homelab.dev/instance",
  layer: "homelab.dev/layer",
  version: "homelab.dev/component-version",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
} as const;

export const ANNOTATIONS = {
  syncWave: "argocd.argoproj.io/sync-wave",
  exposure: "homelab.dev/exposure",
  auth: "homelab.dev/auth",
  admin: "homelab.dev/admin",
  ingressClass: "kubernetes.io/ingress.class",
} as const;

export const PART_OF = "homelab";
export const MANAGED_BY = "homelab-render";

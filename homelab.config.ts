import { homelab } from "@homelab/cluster";
import { argocd } from "@homelab/component-argocd";
import { authentik } from "@homelab/component-authentik";
import { bookmarks } from "@homelab/component-bookmarks";
import { certManager } from "@homelab/component-cert-manager";
import { externalSecrets } from "@homelab/component-external-secrets";
import { metallb } from "@homelab/component-metallb";
import { secretsStoreCsiDriver } from "@homelab/component-secrets-store-csi-driver";
import { longhorn } from "@homelab/component-longhorn";
import { traefik } from "@homelab/component-traefik";
import { vault } from "@homelab/component-vault";
import { cloudnativePg } from "@homelab/component-cloudnative-pg";
import { kubePrometheusStack } from "@homelab/component-kube-prometheus-stack";
import { loki } from "@homelab/component-loki";
import { promtail } from "@homelab/component-promtail";
import { defineConfig } from "@homelab/core";

/** The cluster and every component it runs; `homelab render` reads this file. */
export default defineConfig({
  cluster: homelab,
  components: [
    // Layer 0: bootstrap (applied by hand once, then self-managed)
    argocd,
    // Layer 1: init
    metallb,
    certManager,
    // Layer 2: critical
    traefik,
    longhorn,
    vault,
    // Layer 3: platform
    externalSecrets,
    secretsStoreCsiDriver,
    kubePrometheusStack,
    loki,
    promtail,
    cloudnativePg,
    authentik,
    // Layer 4: applications
    bookmarks,
  ],
});

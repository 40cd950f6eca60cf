import { homelab } from "@homelab/cluster";
import { certManager } from "@homelab/component-cert-manager";
import { externalSecrets } from "@homelab/component-external-secrets";
import { metallb } from "@homelab/component-metallb";
import { secretsStoreCsiDriver } from "@homelab/component-secrets-store-csi-driver";
import { longhorn } from "@homelab/component-longhorn";
import { traefik } from "@homelab/component-traefik";
import { vault } from "@homelab/component-vault";
import { defineConfig } from "@homelab/core";

/** The cluster and every component it runs; `homelab render` reads this file. */
export default defineConfig({
  cluster: homelab,
  components: [
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
  ],
});

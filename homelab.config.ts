import { homelab } from "@homelab/cluster";
import { certManager } from "@homelab/component-cert-manager";
import { metallb } from "@homelab/component-metallb";
import { traefik } from "@homelab/component-traefik";
import { defineConfig } from "@homelab/core";

/** The cluster and every component it runs; `homelab render` reads this file. */
export default defineConfig({
  cluster: homelab,
  components: [metallb, certManager, traefik],
});

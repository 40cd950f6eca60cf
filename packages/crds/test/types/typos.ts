/*
 * Type-level test: every `@ts-expect-error` below marks a typo'd field that
 * tsc must reject (an unused @ts-expect-error is itself an error). Checked by
 * the root type-check and by src/types.test.ts, which also strips the
 * directives and asserts the exact errors.
 */
import { applicationSet, cnpgCluster, deployment, externalSecret, ingressRoute, type IngressRoute, type ObjectMeta } from "../../src/index.js";

export const route: IngressRoute = {
  apiVersion: "traefik.io/v1alpha1",
  kind: "IngressRoute",
  metadata: { name: "demo" },
  spec: {
    routes: [
      {
        match: "Host(`demo.example.test`)",
        // @ts-expect-error typo: `mach` is not a field of a route
        mach: "Host(`demo.example.test`)",
      },
    ],
  },
};

export const viaConstructor = ingressRoute({
  metadata: { name: "demo" },
  // @ts-expect-error typo: `entrypoints` (the field is `entryPoints`)
  spec: { entrypoints: ["websecure"], routes: [] },
});

export const secret = externalSecret({
  metadata: { name: "db" },
  // @ts-expect-error `Always` is not a creationPolicy
  spec: { target: { creationPolicy: "Always" } },
});

export const db = cnpgCluster({
  metadata: { name: "db" },
  // @ts-expect-error instances is a number
  spec: { instances: "3" },
});

export const appSet = applicationSet({
  metadata: { name: "apps" },
  spec: {
    generators: [],
    template: {
      metadata: {},
      // @ts-expect-error typo deep in the shared ApplicationSet template: `prun`
      spec: { project: "default", destination: {}, syncPolicy: { automated: { prun: true } } },
    },
  },
});

// @ts-expect-error metadata needs a name
export const unnamed: ObjectMeta = { namespace: "demo" };

export const wrongVersion: IngressRoute = {
  // @ts-expect-error apiVersion is a literal: the old traefik.containo.us group is gone
  apiVersion: "traefik.containo.us/v1alpha1",
  kind: "IngressRoute",
  metadata: { name: "demo" },
  spec: { routes: [] },
};

export const app = deployment({
  metadata: { name: "demo" },
  // @ts-expect-error core kinds are typed too: `replica`
  spec: { replica: 2, selector: {}, template: {} },
});

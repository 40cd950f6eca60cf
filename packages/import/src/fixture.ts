/**
 * A hand-written GitOps repository in the wrapper-chart layout, for tests:
 * built in a temporary folder, never committed as a tree.
 */

/** Wrapper chart of metallb 0.16.1 with a misspelled key (values.yaml line 7) and plain extra manifests. */
const METALLB = {
  "cluster-init-apps/metallb/Chart.yaml": `apiVersion: v2
name: metallb
version: 1.0.0
dependencies:
  - name: metallb
    version: 0.16.1
    repository: https://metallb.github.io/metallb
`,
  "cluster-init-apps/metallb/values.yaml": `metallb:
  crds:
    enabled: true
  speaker:
    frr:
      enabled: false
    tolerateMastr: true
  controller:
    logLevel: info
`,
  "cluster-init-apps/metallb/templates/pools.yaml": `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: private
  namespace: metallb-system
spec:
  addresses:
    - 10.0.20.100-10.0.20.150
  autoAssign: true
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: private
  namespace: metallb-system
spec:
  ipAddressPools:
    - private
`,
};

/** Wrapper chart of traefik 41.3.0 under the alias `public`, with a Go-templated IngressRoute. */
const TRAEFIK = {
  "cluster-critical-apps/traefik/Chart.yaml": `apiVersion: v2
name: traefik-public
version: 1.0.0
dependencies:
  - name: traefik
    alias: public
    version: 41.3.0
    repository: https://traefik.github.io/charts
`,
  "cluster-critical-apps/traefik/values.yaml": `public:
  deployment:
    replicas: 2
  podDisruptionBudget:
    enabled: true
  ingressClass:
    name: traefik-public
  ports:
    web:
      http:
        redirections:
          entryPoint:
            to: websecure
            scheme: https
            permanent: true
`,
  "cluster-critical-apps/traefik/templates/dashboard.yaml": `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: dashboard
  namespace: {{ .Release.Namespace }}
spec:
  entryPoints: [websecure]
  tls: {}
  routes:
    - match: Host(\`traefik.{{ .Values.domain }}\`)
      kind: Rule
      services:
        - name: api@internal
          kind: TraefikService
`,
};

/** Wrapper chart of cert-manager with the wrapper's own \`global\` and a plain ClusterIssuer. */
const CERT_MANAGER = {
  "cluster-init-apps/cert-manager/Chart.yaml": `apiVersion: v2
name: cert-manager
version: 1.0.0
dependencies:
  - name: cert-manager
    version: v1.21.1
    repository: https://charts.jetstack.io
`,
  "cluster-init-apps/cert-manager/values.yaml": `global:
  leaderElection:
    namespace: cert-manager
cert-manager:
  crds:
    enabled: true
  global:
    logLevel: 2
`,
  "cluster-init-apps/cert-manager/templates/issuer.yaml": `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: selfsigned
spec:
  selfSigned: {}
`,
};

/** One multi-source Application of a chart with a values file from this repository and a valuesObject. */
const CLOUDNATIVE_PG = {
  "cluster-platform-apps/cloudnative-pg/application.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: cloudnative-pg
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://cloudnative-pg.github.io/charts
      chart: cloudnative-pg
      targetRevision: 0.29.0
      helm:
        releaseName: cnpg
        valueFiles:
          - $values/cluster-platform-apps/cloudnative-pg/values.yaml
        valuesObject:
          replicaCount: 2
    - repoURL: https://github.com/example/gitops.git
      targetRevision: main
      ref: values
  destination:
    server: https://kubernetes.default.svc
    namespace: cnpg-system
`,
  "cluster-platform-apps/cloudnative-pg/values.yaml": `replicaCount: 1
crds:
  create: true
monitoring:
  podMonitorEnabled: false
`,
};

/** An Application of a chart this repository has no schema for. */
const WHOAMI = {
  "cluster-workload-apps/whoami/application.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: whoami
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://charts.example.com
    chart: whoami
    targetRevision: 1.2.0
    helm:
      valuesObject:
        replicas: 2
        message: hello
  destination:
    server: https://kubernetes.default.svc
    namespace: whoami
`,
};

/** The chart of WHOAMI, as `helm pull --untar` would give it (for --chart-dir). */
export const WHOAMI_CHART = {
  "Chart.yaml": "apiVersion: v2\nname: whoami\nversion: 1.2.0\n",
  "values.yaml": 'replicas: 1\nmessage: ""\nimage:\n  repository: traefik/whoami\n  tag: v1.10.0\n',
  "templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
};

/** The umbrella chart generating the Applications (templated, as such repos do). */
const ROOT = {
  "apps-root-config/Chart.yaml": "apiVersion: v2\nname: apps-root\nversion: 1.0.0\n",
  "apps-root-config/values.yaml": `apps:
  - name: metallb
    path: cluster-init-apps/metallb
    namespace: metallb-system
  - name: cert-manager
    path: cluster-init-apps/cert-manager
    namespace: cert-manager
  - name: traefik
    path: cluster-critical-apps/traefik
    namespace: traefik
`,
  "apps-root-config/templates/applications.yaml": `{{- range .Values.apps }}
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .name }}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/gitops.git
    targetRevision: main
    path: {{ .path }}
  destination:
    server: https://kubernetes.default.svc
    namespace: {{ .namespace }}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
---
{{- end }}
`,
};

/** Retired (malformed on purpose: checking it would be exit 2), not-Kubernetes YAML, tool configs. */
const OTHER = {
  ".homelabignore": "# retired apps, kept for reference\nretired/\n",
  "retired/old-dashboard/ingress.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: old\n",
  ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n    hooks:\n      - id: check-yaml\n",
  "renovate.yaml": "extends:\n  - config:recommended\nhelm-values:\n  enabled: true\n",
  "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cluster-init-apps/metallb/templates/pools.yaml\n",
};

export const WRAPPER_REPO: Readonly<Record<string, string>> = {
  ...METALLB,
  ...TRAEFIK,
  ...CERT_MANAGER,
  ...CLOUDNATIVE_PG,
  ...WHOAMI,
  ...ROOT,
  ...OTHER,
};

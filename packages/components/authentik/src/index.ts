import { haOnWorkers, type ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage, type KubernetesObject } from "@homelab/core";
import { cnpgCluster, middleware, scheduledBackup } from "@homelab/crds";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const RELEASE = "authentik";
const DATABASE = "authentik-db";
const APP_SECRET = "authentik-secrets";
const BACKUP_SECRET = "authentik-db-backup";

/** The headers Authentik's proxy outpost sets for the protected application. */
const AUTH_RESPONSE_HEADERS = [
  "X-authentik-username",
  "X-authentik-groups",
  "X-authentik-entitlements",
  "X-authentik-email",
  "X-authentik-name",
  "X-authentik-uid",
  "X-authentik-jwt",
  "X-authentik-meta-jwks",
  "X-authentik-meta-outpost",
  "X-authentik-meta-provider",
  "X-authentik-meta-app",
  "X-authentik-meta-version",
];

/** The embedded outpost answers on the server Service (port 80 → container 9000). */
function forwardAuthAddress(namespace: string): string {
  return `http://${RELEASE}-server.${namespace}.svc.cluster.local/outpost.goauthentik.io/auth/traefik`;
}

function database(cluster: ClusterFacts, namespace: string): KubernetesObject[] {
  const single = cluster.storage.classes.find((c) => c.replicas === 1)?.name;
  return [
    cnpgCluster({
      metadata: { name: DATABASE, namespace },
      spec: {
        instances: 3,
        // Synchronous replica: a failover never loses acknowledged logins.
        minSyncReplicas: 1,
        maxSyncReplicas: 1,
        bootstrap: { initdb: { database: "authentik", owner: "authentik" } },
        // CNPG replicates the data itself; one Longhorn replica under each instance.
        storage: { size: "10Gi", ...(single ? { storageClass: single } : {}) },
        affinity: { enablePodAntiAffinity: true, topologyKey: "kubernetes.io/hostname", podAntiAffinityType: "required" },
        monitoring: { enablePodMonitor: false },
        backup: {
          retentionPolicy: "30d",
          barmanObjectStore: {
            destinationPath: "s3://cnpg-backups/authentik",
            endpointURL: cluster.storage.objectStore.endpoint,
            s3Credentials: {
              accessKeyId: { name: BACKUP_SECRET, key: "ACCESS_KEY_ID" },
              secretAccessKey: { name: BACKUP_SECRET, key: "ACCESS_SECRET_KEY" },
            },
            wal: { compression: "gzip" },
            data: { compression: "gzip" },
          },
        },
      },
    }),
    scheduledBackup({
      metadata: { name: `${DATABASE}-daily`, namespace },
      spec: { schedule: "0 0 3 * * *", cluster: { name: DATABASE }, backupOwnerReference: "self", immediate: true },
    }),
  ];
}

/**
 * Authentik SSO: server and worker HA, PostgreSQL as a CNPG cluster of three
 * with scheduled backups, the embedded outpost, and the forward-auth
 * Middleware that public routes reference (named in the cluster facts).
 */
export function authentik(cluster: ClusterFacts): Component<Values> {
  const { namespace, name: middlewareName } = cluster.auth.forwardAuthMiddleware;
  const pdb = { enabled: true, minAvailable: 1 };
  return {
    ...componentPackage(manifest, valuesSchema),
    layer: "platform",
    namespace,
    instances: [
      {
        name: "authentik",
        releaseName: RELEASE,
        values: {
          authentik: {
            // Secret key and mail password come in through envFrom below; nothing secret in git.
            postgresql: { host: `${DATABASE}-rw`, name: "authentik", user: "authentik" },
            error_reporting: { enabled: false },
          },
          global: {
            envFrom: [{ secretRef: { name: APP_SECRET } }],
            env: [{ name: "AUTHENTIK_POSTGRESQL__PASSWORD", valueFrom: { secretKeyRef: { name: `${DATABASE}-app`, key: "password" } } }],
          },
          server: {
            replicas: 2,
            pdb,
            affinity: haOnWorkers({ "app.kubernetes.io/name": "authentik", "app.kubernetes.io/component": "server" }),
          },
          worker: {
            replicas: 2,
            pdb,
            affinity: haOnWorkers({ "app.kubernetes.io/name": "authentik", "app.kubernetes.io/component": "worker" }),
          },
          postgresql: { enabled: false },
        },
        manifests: [
          middleware({
            metadata: { name: middlewareName, namespace },
            spec: { forwardAuth: { address: forwardAuthAddress(namespace), trustForwardHeader: true, authResponseHeaders: AUTH_RESPONSE_HEADERS } },
          }),
          ...database(cluster, namespace),
        ],
      },
    ],
    routes: [
      // The identity provider itself: it authenticates natively, so no forward-auth in front of it.
      { name: "auth", exposure: "public", auth: "oidc", service: { name: `${RELEASE}-server`, port: 80 } },
    ],
    secrets: [
      { name: APP_SECRET, vaultPath: "platform/authentik/app", keys: { AUTHENTIK_SECRET_KEY: "secret-key", AUTHENTIK_EMAIL__PASSWORD: "smtp-password" } },
      {
        name: BACKUP_SECRET,
        vaultPath: cluster.storage.objectStore.vaultPath,
        keys: { ACCESS_KEY_ID: "access-key-id", ACCESS_SECRET_KEY: "secret-access-key" },
      },
    ],
  };
}

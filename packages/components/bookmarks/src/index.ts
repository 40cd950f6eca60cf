import { haOnWorkers, type ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage } from "@homelab/core";
import { cnpgCluster, deployment, scheduledBackup, service, type EnvVar } from "@homelab/crds";
import manifest from "../package.json" with { type: "json" };

const NAME = "bookmarks";
const NAMESPACE = "bookmarks";
const IMAGE = "sissbruecker/linkding:1.41.0";
const DATABASE = `${NAME}-db`;
const ADMIN_SECRET = `${NAME}-admin`;
const BACKUP_SECRET = `${NAME}-db-backup`;
const PORT = 9090;
const LABELS = { "app.kubernetes.io/name": NAME };

function fromSecret(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/**
 * An application written the way a user adds their own: plain typed
 * manifests (no chart), a public route behind Authentik forward-auth, a CNPG
 * database and an admin password from Vault.
 */
export function bookmarks(cluster: ClusterFacts): Component {
  const storageClass = cluster.storage.classes.find((c) => c.replicas === 1)?.name;
  return {
    ...componentPackage(manifest),
    layer: "apps",
    namespace: NAMESPACE,
    instances: [
      {
        name: NAME,
        manifests: [
          deployment({
            metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
            spec: {
              replicas: 2,
              selector: { matchLabels: LABELS },
              template: {
                metadata: { labels: LABELS },
                spec: {
                  affinity: haOnWorkers(LABELS),
                  containers: [
                    {
                      name: NAME,
                      image: IMAGE,
                      ports: [{ name: "http", containerPort: PORT }],
                      env: [
                        { name: "LD_DB_ENGINE", value: "postgres" },
                        { name: "LD_DB_HOST", value: `${DATABASE}-rw` },
                        { name: "LD_DB_DATABASE", value: NAME },
                        fromSecret("LD_DB_USER", `${DATABASE}-app`, "username"),
                        fromSecret("LD_DB_PASSWORD", `${DATABASE}-app`, "password"),
                        // Authentik forward-auth already logged the user in: trust its username header.
                        { name: "LD_ENABLE_AUTH_PROXY", value: "True" },
                        { name: "LD_AUTH_PROXY_USERNAME_HEADER", value: "HTTP_X_AUTHENTIK_USERNAME" },
                        { name: "LD_SUPERUSER_NAME", value: "admin" },
                        fromSecret("LD_SUPERUSER_PASSWORD", ADMIN_SECRET, "password"),
                      ],
                      readinessProbe: { httpGet: { path: "/health", port: "http" } },
                      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                    },
                  ],
                },
              },
            },
          }),
          service({
            metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
            spec: { selector: LABELS, ports: [{ name: "http", port: 80, targetPort: "http" }] },
          }),
          cnpgCluster({
            metadata: { name: DATABASE, namespace: NAMESPACE },
            spec: {
              instances: 2,
              bootstrap: { initdb: { database: NAME, owner: NAME } },
              storage: { size: "5Gi", ...(storageClass ? { storageClass } : {}) },
              backup: {
                retentionPolicy: "14d",
                barmanObjectStore: {
                  destinationPath: `s3://cnpg-backups/${NAME}`,
                  endpointURL: cluster.storage.objectStore.endpoint,
                  s3Credentials: {
                    accessKeyId: { name: BACKUP_SECRET, key: "ACCESS_KEY_ID" },
                    secretAccessKey: { name: BACKUP_SECRET, key: "ACCESS_SECRET_KEY" },
                  },
                },
              },
            },
          }),
          scheduledBackup({
            metadata: { name: `${DATABASE}-daily`, namespace: NAMESPACE },
            spec: { schedule: "0 30 3 * * *", cluster: { name: DATABASE }, backupOwnerReference: "self" },
          }),
        ],
      },
    ],
    routes: [{ name: NAME, exposure: "public", auth: "forward-auth", service: { name: NAME, port: 80 } }],
    secrets: [
      { name: ADMIN_SECRET, vaultPath: `apps/${NAME}/admin`, keys: { password: "password" } },
      {
        name: BACKUP_SECRET,
        vaultPath: cluster.storage.objectStore.vaultPath,
        keys: { ACCESS_KEY_ID: "access-key-id", ACCESS_SECRET_KEY: "secret-access-key" },
      },
    ],
  };
}

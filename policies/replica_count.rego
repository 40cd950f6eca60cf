# replica-count: HA minimums keyed by chart or kind, so they hold for
# hand-written repos too. Chart defaults are applied where values omit a key.
package homelab.rules.replica_count

import data.homelab.lib

meta := {
	"id": "replica-count",
	"severity": "error",
	"title": "HA replica minimums and disruption budgets",
}

# A number at `path`, or the chart default when unset or null.
number_at(values, path, default_value) := n if {
	n := object.get(values, path, null)
	is_number(n)
} else := default_value

autoscaled(values, prefix, minimum) if {
	object.get(values, array.concat(prefix, ["enabled"]), false) == true
	number_at(values, array.concat(prefix, ["minReplicas"]), 1) >= minimum
}

# Traefik: at least 2 replicas (a DaemonSet runs one per node and is fine).
findings contains lib.values_finding(meta.id, meta.severity, "traefik-replicas", src, ["deployment", "replicas"], {"instance": src.instance, "replicas": n, "minimum": 2}) if {
	some src in lib.chart_values("traefik")
	object.get(src.values, ["deployment", "kind"], "Deployment") != "DaemonSet"
	not autoscaled(src.values, ["autoscaling"], 2)
	n := number_at(src.values, ["deployment", "replicas"], 1)
	n < 2
}

findings contains lib.values_finding(meta.id, "warning", "pdb-disabled", src, ["podDisruptionBudget", "enabled"], {"chart": "traefik", "key": "podDisruptionBudget.enabled"}) if {
	some src in lib.chart_values("traefik")
	object.get(src.values, ["podDisruptionBudget", "enabled"], false) != true
}

# Authentik: the server answers every forward-auth request; one pod is an outage.
findings contains lib.values_finding(meta.id, meta.severity, "authentik-replicas", src, ["server", "replicas"], {"replicas": n, "minimum": 2}) if {
	some src in lib.chart_values("authentik")
	not autoscaled(src.values, ["server", "autoscaling"], 2)
	n := number_at(src.values, ["server", "replicas"], 1)
	n < 2
}

findings contains lib.values_finding(meta.id, "warning", "pdb-disabled", src, ["server", "pdb", "enabled"], {"chart": "authentik", "key": "server.pdb.enabled"}) if {
	some src in lib.chart_values("authentik")
	object.get(src.values, ["server", "pdb", "enabled"], false) != true
}

# Vault: HA mode with integrated raft storage and 3 replicas (a raft quorum survives one loss).
findings contains lib.values_finding(meta.id, meta.severity, "vault-ha", src, ["server", "ha", "enabled"], {}) if {
	some src in lib.chart_values("vault")
	object.get(src.values, ["server", "ha", "enabled"], false) != true
}

findings contains lib.values_finding(meta.id, meta.severity, "vault-raft", src, ["server", "ha", "raft", "enabled"], {}) if {
	some src in lib.chart_values("vault")
	object.get(src.values, ["server", "ha", "enabled"], false) == true
	object.get(src.values, ["server", "ha", "raft", "enabled"], false) != true
}

findings contains lib.values_finding(meta.id, meta.severity, "vault-replicas", src, ["server", "ha", "replicas"], {"replicas": n, "minimum": 3}) if {
	some src in lib.chart_values("vault")
	n := number_at(src.values, ["server", "ha", "replicas"], 3)
	n < 3
}

findings contains lib.values_finding(meta.id, "warning", "pdb-disabled", src, ["server", "ha", "disruptionBudget", "enabled"], {"chart": "vault", "key": "server.ha.disruptionBudget.enabled"}) if {
	some src in lib.chart_values("vault")
	object.get(src.values, ["server", "ha", "disruptionBudget", "enabled"], true) == false
}

# Longhorn: 3 replicas per volume, for the default StorageClass and for volumes created in the UI.
longhorn_keys := [["persistence", "defaultClassReplicaCount"], ["defaultSettings", "defaultReplicaCount"]]

findings contains lib.values_finding(meta.id, meta.severity, "longhorn-replicas", src, path, {"key": concat(".", path), "replicas": n, "minimum": 3}) if {
	some src in lib.chart_values("longhorn")
	some path in longhorn_keys
	n := number_at(src.values, path, 3)
	n < 3
}

# CloudNativePG: a Cluster of one instance has no failover.
findings contains lib.finding(meta.id, meta.severity, "cnpg-instances", doc, ["spec", "instances"], {"instances": n, "minimum": 2}) if {
	some doc in lib.kind_docs("Cluster")
	lib.group(doc.object) == "postgresql.cnpg.io"
	n := number_at(doc.object, ["spec", "instances"], 1)
	n < 2
}

findings contains lib.finding(meta.id, "warning", "pdb-disabled", doc, ["spec", "enablePDB"], {"chart": "cloudnative-pg", "key": "spec.enablePDB"}) if {
	some doc in lib.kind_docs("Cluster")
	lib.group(doc.object) == "postgresql.cnpg.io"
	object.get(doc.object, ["spec", "enablePDB"], true) == false
}

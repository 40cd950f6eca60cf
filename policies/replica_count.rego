# replica-count: HA minimums keyed by chart or kind, so they hold for
# hand-written repos too. When a chart was hydrated, its rendered
# Deployments/StatefulSets, HPAs and PodDisruptionBudgets are judged (what the
# chart makes of the values, whatever its values layout); the values rules
# below run only for charts without rendered objects in the input (a tree
# checked without `homelab hydrate`), where values are all there is.
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
	not hydrated("traefik")
	object.get(src.values, ["deployment", "kind"], "Deployment") != "DaemonSet"
	not autoscaled(src.values, ["autoscaling"], 2)
	n := number_at(src.values, ["deployment", "replicas"], 1)
	n < 2
}

findings contains lib.values_finding(meta.id, "warning", "pdb-disabled", src, ["podDisruptionBudget", "enabled"], {"chart": "traefik", "key": "podDisruptionBudget.enabled"}) if {
	some src in lib.chart_values("traefik")
	not hydrated("traefik")
	object.get(src.values, ["podDisruptionBudget", "enabled"], false) != true
}

# Authentik: the server answers every forward-auth request; one pod is an outage.
findings contains lib.values_finding(meta.id, meta.severity, "authentik-replicas", src, ["server", "replicas"], {"replicas": n, "minimum": 2}) if {
	some src in lib.chart_values("authentik")
	not hydrated("authentik")
	not autoscaled(src.values, ["server", "autoscaling"], 2)
	n := number_at(src.values, ["server", "replicas"], 1)
	n < 2
}

findings contains lib.values_finding(meta.id, "warning", "pdb-disabled", src, ["server", "pdb", "enabled"], {"chart": "authentik", "key": "server.pdb.enabled"}) if {
	some src in lib.chart_values("authentik")
	not hydrated("authentik")
	object.get(src.values, ["server", "pdb", "enabled"], false) != true
}

# Vault: HA mode with integrated raft storage and 3 replicas (a raft quorum
# survives one loss). vault-ha and vault-raft keep reading values even when
# hydrated: raft is configured inside an HCL string the chart puts in a
# ConfigMap, so the objects show HA mode only as that text.
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
	not hydrated("vault")
	n := number_at(src.values, ["server", "ha", "replicas"], 3)
	n < 3
}

findings contains lib.values_finding(meta.id, "warning", "pdb-disabled", src, ["server", "ha", "disruptionBudget", "enabled"], {"chart": "vault", "key": "server.ha.disruptionBudget.enabled"}) if {
	some src in lib.chart_values("vault")
	not hydrated("vault")
	object.get(src.values, ["server", "ha", "disruptionBudget", "enabled"], true) == false
}

# Longhorn: 3 replicas per volume, for the default StorageClass and for
# volumes created in the UI. Read from values also when hydrated: the chart
# passes both to Longhorn inside ConfigMap text, not as fields a rule could read.
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

# --- Rendered workloads (hydrated charts) ---

hydrated(chart) if {
	some doc in input.documents
	doc.origin.chart == chart
}

# The workloads that must survive a node drain, as the charts render them: the
# chart, the kind and a label that tells the workload apart, and the minimum.
ha_workloads := [
	{"chart": "traefik", "kind": "Deployment", "label": null, "minimum": 2},
	{"chart": "authentik", "kind": "Deployment", "label": ["app.kubernetes.io/component", "server"], "minimum": 2},
	{"chart": "vault", "kind": "StatefulSet", "label": ["app.kubernetes.io/name", "vault"], "minimum": 3},
]

pod_labels(doc) := object.get(doc.object, ["spec", "template", "metadata", "labels"], {})

is_ha_workload(doc, want) if {
	doc.origin.chart == want.chart
	doc.object.kind == want.kind
	doc.object.apiVersion == "apps/v1"
	want.label == null
}

is_ha_workload(doc, want) if {
	doc.origin.chart == want.chart
	doc.object.kind == want.kind
	doc.object.apiVersion == "apps/v1"
	pod_labels(doc)[want.label[0]] == want.label[1]
}

# A HorizontalPodAutoscaler of the same Application scaling it with at least the minimum.
autoscaled_object(doc, minimum) if {
	some hpa in lib.kind_docs("HorizontalPodAutoscaler")
	hpa.origin.application == doc.origin.application
	hpa.object.spec.scaleTargetRef.kind == doc.object.kind
	hpa.object.spec.scaleTargetRef.name == lib.name(doc.object)
	object.get(hpa.object, ["spec", "minReplicas"], 1) >= minimum
}

findings contains lib.finding(meta.id, meta.severity, "workload-replicas", doc, ["spec", "replicas"], details) if {
	some want in ha_workloads
	some doc in input.documents
	is_ha_workload(doc, want)
	n := number_at(doc.object, ["spec", "replicas"], 1)
	n < want.minimum
	not autoscaled_object(doc, want.minimum)
	details := {"kind": doc.object.kind, "name": lib.name(doc.object), "chart": want.chart, "replicas": n, "minimum": want.minimum}
}

# Kubernetes label selectors (matchLabels and matchExpressions) over pod labels.
selector_matches(selector, labels) if {
	every key, value in object.get(selector, "matchLabels", {}) {
		labels[key] == value
	}
	every expr in object.get(selector, "matchExpressions", []) {
		expression_holds(expr, labels)
	}
}

expression_holds(expr, labels) if {
	expr.operator == "In"
	labels[expr.key] in expr.values
}

expression_holds(expr, labels) if {
	expr.operator == "NotIn"
	not labels[expr.key] in expr.values
}

expression_holds(expr, labels) if {
	expr.operator == "Exists"
	labels[expr.key]
}

expression_holds(expr, labels) if {
	expr.operator == "DoesNotExist"
	not labels[expr.key]
}

# Hydrated objects may leave the namespace to ArgoCD's destination, which their origin records.
object_namespace(doc) := lib.namespace(doc.object) if lib.namespace(doc.object) != ""

else := object.get(doc, ["origin", "namespace"], "")

covered_by_pdb(doc) if {
	some pdb in lib.kind_docs("PodDisruptionBudget")
	object_namespace(pdb) == object_namespace(doc)
	selector_matches(object.get(pdb.object, ["spec", "selector"], {"matchLabels": {"": "never"}}), pod_labels(doc))
}

findings contains lib.finding(meta.id, "warning", "pdb-missing", doc, ["spec", "template", "metadata", "labels"], details) if {
	some want in ha_workloads
	some doc in input.documents
	is_ha_workload(doc, want)
	not covered_by_pdb(doc)
	details := {"kind": doc.object.kind, "name": lib.name(doc.object), "chart": want.chart}
}

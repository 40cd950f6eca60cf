package homelab.rules.replica_count_test

import data.homelab.rules.replica_count

cases := data.testdata.inputs.replica_count

test_ha_values_and_cluster_pass if {
	count(replica_count.findings) == 0 with input as cases.pass
}

test_single_replicas_fail if {
	found := {[f.code, f.severity, f.file] | some f in replica_count.findings} with input as cases.fail
	found == {
		["traefik-replicas", "error", "cluster-init-apps/traefik/public/values.yaml"],
		["pdb-disabled", "warning", "cluster-init-apps/traefik/public/values.yaml"],
		["authentik-replicas", "error", "cluster-platform-apps/authentik/values.yaml"],
		["vault-raft", "error", "cluster-critical-apps/vault/values.yaml"],
		["vault-replicas", "error", "cluster-critical-apps/vault/values.yaml"],
		["longhorn-replicas", "error", "cluster-critical-apps/longhorn/values.yaml"],
		["cnpg-instances", "error", "cluster-workload-apps/db/cluster.yaml"],
		["pdb-disabled", "warning", "cluster-workload-apps/db/cluster.yaml"],
	}
}

chart(name, values) := {"documents": [], "values": [{"file": "v.yaml", "index": 0, "path": [], "instance": null, "chart": {"name": name}, "values": values}]}

codes(findings) := {f.code | some f in findings}

test_traefik_daemonset_and_autoscaling_pass if {
	codes(replica_count.findings) == {"pdb-disabled"} with input as chart("traefik", {"deployment": {"kind": "DaemonSet"}})
	codes(replica_count.findings) == {"pdb-disabled"} with input as chart("traefik", {"autoscaling": {"enabled": true, "minReplicas": 2}})
}

test_null_replicas_means_chart_default if {
	some f in replica_count.findings with input as chart("traefik", {"deployment": {"replicas": null}, "podDisruptionBudget": {"enabled": true}})
	f.data.replicas == 1
}

test_vault_defaults_are_not_ha if {
	codes(replica_count.findings) == {"vault-ha"} with input as chart("vault", {})
	codes(replica_count.findings) == {"pdb-disabled"} with input as chart("vault", {"server": {"ha": {"enabled": true, "raft": {"enabled": true}, "disruptionBudget": {"enabled": false}}}})
}

test_longhorn_default_settings_checked if {
	some f in replica_count.findings with input as chart("longhorn", {"defaultSettings": {"defaultReplicaCount": 1}})
	f.path == ["defaultSettings", "defaultReplicaCount"]
}

origin(chart) := {"application": chart, "chart": chart, "version": "1.0.0", "template": "t.yaml", "valueFiles": [], "hook": null, "namespace": "ns"}

rendered(chart, kind, name, replicas, labels) := {
	"file": concat("/", ["dist/hydrated", chart, name]), "index": 0, "component": chart, "origin": origin(chart),
	"object": {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name}, "spec": {"replicas": replicas, "template": {"metadata": {"labels": labels}}}},
}

pdb(chart, selector) := {
	"file": concat("/", ["dist/hydrated", chart, "pdb.yaml"]), "index": 0, "component": chart, "origin": origin(chart),
	"object": {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"}, "spec": {"selector": selector}},
}

traefik_values := [{"file": "v.yaml", "index": 0, "path": [], "instance": null, "chart": {"name": "traefik"}, "values": {"deployment": {"replicas": 1}}}]

# Hydrated: the rendered Deployment decides, not the values (which would say 1 replica here).
test_rendered_workload_with_pdb_passes if {
	docs := [rendered("traefik", "Deployment", "traefik", 2, {"app": "t"}), pdb("traefik", {"matchLabels": {"app": "t"}})]
	count(replica_count.findings) == 0 with input as {"documents": docs, "values": traefik_values}
}

test_rendered_single_replica_and_no_pdb_fail if {
	docs := [
		rendered("traefik", "Deployment", "traefik", 1, {"app": "t"}),
		rendered("vault", "StatefulSet", "vault", 1, {"app.kubernetes.io/name": "vault"}),
		rendered("authentik", "Deployment", "authentik-server", 1, {"app.kubernetes.io/component": "server"}),
		rendered("authentik", "Deployment", "authentik-worker", 1, {"app.kubernetes.io/component": "worker"}),
		pdb("traefik", {"matchExpressions": [{"key": "app", "operator": "In", "values": ["other"]}]}),
	]
	found := {[f.code, f.data.name] | some f in replica_count.findings} with input as {"documents": docs, "values": traefik_values}
	found == {
		["workload-replicas", "traefik"], ["pdb-missing", "traefik"],
		["workload-replicas", "vault"], ["pdb-missing", "vault"],
		["workload-replicas", "authentik-server"], ["pdb-missing", "authentik-server"],
	}
}

test_rendered_autoscaled_and_selector_operators_pass if {
	hpa := {
		"file": "dist/hydrated/traefik/hpa.yaml", "index": 0, "component": "traefik", "origin": origin("traefik"),
		"object": {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"}, "spec": {"minReplicas": 2, "scaleTargetRef": {"kind": "Deployment", "name": "traefik"}}},
	}
	selector := {"matchExpressions": [
		{"key": "app", "operator": "Exists"},
		{"key": "tier", "operator": "DoesNotExist"},
		{"key": "app", "operator": "NotIn", "values": ["x"]},
	]}
	docs := [rendered("traefik", "Deployment", "traefik", 1, {"app": "t"}), hpa, pdb("traefik", selector)]
	count(replica_count.findings) == 0 with input as {"documents": docs, "values": traefik_values}
}

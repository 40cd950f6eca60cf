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

# server-side-apply: charts whose CRDs exceed the 256 KiB last-applied
# annotation of client-side apply fail to sync without ServerSideApply=true.
package homelab.rules.server_side_apply

import data.homelab.lib

meta := {
	"id": "server-side-apply",
	"severity": "error",
	"title": "Large-CRD charts sync with ServerSideApply=true",
}

large_crd_charts := {"kube-prometheus-stack", "argo-cd"}

# input.charts entries from Applications carry their syncOptions and where they sit.
findings contains lib.finding(meta.id, meta.severity, "missing-server-side-apply", ref, ref.syncOptionsPath, {"chart": ref.chart}) if {
	some ref in object.get(input, "charts", [])
	ref.chart in large_crd_charts
	is_array(ref.syncOptionsPath)
	not "ServerSideApply=true" in object.get(ref, "syncOptions", [])
}

# layer-order: ArgoCD brings layers up in order (init, critical, platform,
# apps); nothing may need what a later layer installs. Checked on component
# dependencies (render records) and on CRD kinds whose chart sits in a later layer.
package homelab.rules.layer_order

import data.homelab.lib

meta := {
	"id": "layer-order",
	"severity": "error",
	"title": "Nothing depends on a later layer",
}

records := {r.component: r | some r in object.get(input, "components", [])}

# A component may name a later-layer dependency with the reason it still converges.
allowed(component, dependency) if {
	reasons := object.get(records[component], "allowLaterLayerDependencies", {})
	is_string(reasons[dependency])
}

findings contains lib.finding(meta.id, meta.severity, "depends-on-later-layer", rec, ["dependsOn", i], details) if {
	some rec in object.get(input, "components", [])
	some i, dep in object.get(rec, "dependsOn", [])
	other := records[dep]
	other.layerOrder > rec.layerOrder
	not allowed(rec.component, dep)
	details := {"component": rec.component, "layer": rec.layer, "dependency": dep, "dependencyLayer": other.layer}
}

findings contains lib.finding(meta.id, "warning", "unknown-dependency", rec, ["dependsOn", i], {"component": rec.component, "dependency": dep}) if {
	some rec in object.get(input, "components", [])
	some i, dep in object.get(rec, "dependsOn", [])
	not records[dep]
}

# API groups served by CRDs of the charts this repo installs.
crd_charts := {
	"cert-manager.io": "cert-manager",
	"acme.cert-manager.io": "cert-manager",
	"traefik.io": "traefik",
	"metallb.io": "metallb",
	"external-secrets.io": "external-secrets",
	"generators.external-secrets.io": "external-secrets",
	"postgresql.cnpg.io": "cloudnative-pg",
	"longhorn.io": "longhorn",
	"monitoring.coreos.com": "kube-prometheus-stack",
	"secrets-store.csi.x-k8s.io": "secrets-store-csi-driver",
	"argoproj.io": "argo-cd",
}

chart_layers(chart) := {ref.layerOrder | some ref in object.get(input, "charts", []); ref.chart == chart; is_number(ref.layerOrder)}

findings contains lib.finding(meta.id, meta.severity, "crd-later-layer", doc, ["apiVersion"], details) if {
	some doc in input.documents
	is_number(doc.layerOrder)
	chart := crd_charts[lib.group(doc.object)]
	layers := chart_layers(chart)
	count(layers) > 0
	provider := min(layers)
	provider > doc.layerOrder
	not crd_allowed(doc, chart)
	details := {"kind": doc.object.kind, "group": lib.group(doc.object), "chart": chart, "layerOrder": doc.layerOrder, "chartLayerOrder": provider}
}

# The document's component declared the component that brings the CRD's chart as an allowed later dependency.
crd_allowed(doc, chart) if {
	some ref in object.get(input, "charts", [])
	ref.chart == chart
	is_string(ref.component)
	allowed(doc.component, ref.component)
}

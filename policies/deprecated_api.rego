# deprecated-api: API versions the cluster no longer serves fail at sync time,
# long after review; catch them here with the replacement named.
package homelab.rules.deprecated_api

import data.homelab.lib

meta := {
	"id": "deprecated-api",
	"severity": "error",
	"title": "No removed or unserved API versions",
}

replacements := {
	"traefik.containo.us/v1alpha1": "traefik.io/v1alpha1",
	"external-secrets.io/v1beta1": "external-secrets.io/v1",
	"external-secrets.io/v1alpha1": "external-secrets.io/v1",
	"extensions/v1beta1": "networking.k8s.io/v1",
	"networking.k8s.io/v1beta1": "networking.k8s.io/v1",
	"policy/v1beta1": "policy/v1",
	"batch/v1beta1": "batch/v1",
	"autoscaling/v2beta1": "autoscaling/v2",
	"autoscaling/v2beta2": "autoscaling/v2",
	"cert-manager.io/v1alpha2": "cert-manager.io/v1",
	"cert-manager.io/v1alpha3": "cert-manager.io/v1",
	"cert-manager.io/v1beta1": "cert-manager.io/v1",
	"metallb.io/v1alpha1": "metallb.io/v1beta1",
}

findings contains lib.finding(meta.id, meta.severity, "removed-api", doc, ["apiVersion"], details) if {
	some doc in input.documents
	replacement := replacements[doc.object.apiVersion]
	details := {"apiVersion": doc.object.apiVersion, "kind": doc.object.kind, "replacement": replacement}
}

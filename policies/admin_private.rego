# admin-private: admin dashboards and internal APIs are reachable only on the
# private ingress class, whatever authentication sits in front of them.
package homelab.rules.admin_private

import data.homelab.lib

meta := {
	"id": "admin-private",
	"severity": "error",
	"title": "Admin dashboards only on the private ingress class",
}

# Services known to be admin UIs; input.config.adminServices adds to them.
default_admin_services := {
	"api@internal",
	"longhorn-frontend",
	"vault",
	"vault-ui",
	"vault-active",
	"prometheus-operated",
	"alertmanager-operated",
	"kube-prometheus-stack-prometheus",
	"kube-prometheus-stack-alertmanager",
}

admin_services := default_admin_services | {s | some s in object.get(input, ["config", "adminServices"], [])}

findings contains lib.finding(meta.id, meta.severity, "admin-public", doc, ["metadata", "annotations", "homelab.dev/admin"], {}) if {
	some doc in lib.route_docs
	lib.annotation(doc.object, "homelab.dev/admin") == "true"
	lib.is_public(doc.object)
}

findings contains lib.finding(meta.id, meta.severity, "admin-service-public", doc, ["spec", "routes", i, "services", j, "name"], {"service": svc.name}) if {
	some doc in input.documents
	lib.is_ingress_route(doc.object)
	lib.is_public(doc.object)
	some i, route in object.get(doc.object, ["spec", "routes"], [])
	some j, svc in object.get(route, "services", [])
	svc.name in admin_services
}

findings contains lib.finding(meta.id, meta.severity, "admin-service-public", doc, path, {"service": backend.service.name}) if {
	some doc in input.documents
	lib.is_ingress(doc.object)
	lib.is_public(doc.object)
	walk(doc.object.spec, [rel, backend])
	backend.service.name in admin_services
	path := array.concat(["spec"], rel)
}

# The class a Traefik instance serves, from its values.
traefik_class(values) := values.ingressClass.name if values.ingressClass.name != ""

else := values.providers.kubernetesCRD.ingressClass

findings contains lib.values_finding(meta.id, meta.severity, "traefik-dashboard-public", src, ["ingressRoute", "dashboard", "enabled"], {"instance": src.instance, "class": traefik_class(src.values)}) if {
	some src in lib.chart_values("traefik")
	traefik_class(src.values) in lib.public_classes
	src.values.ingressRoute.dashboard.enabled == true
}

# https-only: no route serves plain HTTP, and every Traefik instance redirects
# its `web` entry point to `websecure`.
package homelab.rules.https_only

import data.homelab.lib

meta := {
	"id": "https-only",
	"severity": "error",
	"title": "Routes use TLS only; Traefik redirects HTTP to HTTPS",
}

# An Ingress without spec.tls is served over plain HTTP.
findings contains lib.finding(meta.id, meta.severity, "ingress-no-tls", doc, ["spec"], {}) if {
	some doc in input.documents
	lib.is_ingress(doc.object)
	count(object.get(doc.object, ["spec", "tls"], [])) == 0
}

# Traefik's Ingress provider annotation that attaches the route to a plaintext entry point.
findings contains lib.finding(meta.id, meta.severity, "ingress-plain-entrypoint", doc, path, {"entryPoint": ep}) if {
	some doc in input.documents
	lib.is_ingress(doc.object)
	key := "traefik.ingress.kubernetes.io/router.entrypoints"
	some raw in split(lib.annotation(doc.object, key), ",")
	ep := trim_space(raw)
	ep != ""
	not ep in lib.tls_entry_points
	path := ["metadata", "annotations", key]
}

# Without entryPoints an IngressRoute listens on every default entry point, `web` included.
findings contains lib.finding(meta.id, meta.severity, "route-no-entrypoints", doc, ["spec"], {}) if {
	some doc in input.documents
	lib.is_ingress_route(doc.object)
	count(object.get(doc.object, ["spec", "entryPoints"], [])) == 0
}

findings contains lib.finding(meta.id, meta.severity, "route-plain-entrypoint", doc, ["spec", "entryPoints", i], {"entryPoint": ep}) if {
	some doc in input.documents
	lib.is_ingress_route(doc.object)
	some i, ep in object.get(doc.object, ["spec", "entryPoints"], [])
	not ep in lib.tls_entry_points
}

findings contains lib.finding(meta.id, meta.severity, "route-no-tls", doc, ["spec"], {}) if {
	some doc in input.documents
	lib.is_ingress_route(doc.object)
	not doc.object.spec.tls
}

# The redirect across chart generations: ports.web.http.redirections (chart 34+),
# ports.web.redirections (28-33), ports.web.redirectTo.port (before 28).
redirects_to_tls(values) if values.ports.web.http.redirections.entryPoint.to in lib.tls_entry_points

redirects_to_tls(values) if values.ports.web.redirections.entryPoint.to in lib.tls_entry_points

redirects_to_tls(values) if values.ports.web.redirectTo.port in lib.tls_entry_points

# `web` removed (null) or not exposed on the Service: nothing to redirect.
web_disabled(values) if {
	values.ports.web == null
}

web_disabled(values) if values.ports.web.expose.default == false

findings contains lib.values_finding(meta.id, meta.severity, "traefik-no-redirect", src, ["ports", "web"], {"instance": src.instance}) if {
	some src in lib.chart_values("traefik")
	not web_disabled(src.values)
	not redirects_to_tls(src.values)
}

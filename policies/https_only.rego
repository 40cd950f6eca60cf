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

# An HTTP route whose only job is to redirect to HTTPS: every route goes
# through a redirectScheme middleware to https, so no request reaches a
# backend over plain HTTP (hand-written repos do this instead of the entry
# point redirect).
redirect_middleware(route_doc, ref) if {
	[object.get(ref, "namespace", lib.namespace(route_doc.object)), ref.name] in https_redirects
}

# The Traefik Middlewares that redirect to https, as [namespace, name]: found in
# one pass over the documents (a rule without arguments is evaluated once), not
# in one pass per route reference (quadratic: 13 of 16 s at 500 components).
https_redirects contains [lib.namespace(mw.object), lib.name(mw.object)] if {
	some mw in input.documents
	mw.object.kind == "Middleware"
	lib.group(mw.object) in lib.traefik_groups
	mw.object.spec.redirectScheme.scheme == "https"
}

redirect_only(doc) if {
	routes := object.get(doc.object, ["spec", "routes"], [])
	count(routes) > 0
	every route in routes {
		some ref in object.get(route, "middlewares", [])
		redirect_middleware(doc, ref)
	}
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
	not redirect_only(doc)
	some i, ep in object.get(doc.object, ["spec", "entryPoints"], [])
	not ep in lib.tls_entry_points
}

findings contains lib.finding(meta.id, meta.severity, "route-no-tls", doc, ["spec"], {}) if {
	some doc in input.documents
	lib.is_ingress_route(doc.object)
	not redirect_only(doc)
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

# Values are read only for a Traefik chart that was not hydrated; when it was,
# the rendered container arguments below decide (they are what Traefik runs with).
traefik_hydrated if {
	some doc in input.documents
	doc.origin.chart == "traefik"
}

findings contains lib.values_finding(meta.id, meta.severity, "traefik-no-redirect", src, ["ports", "web"], {"instance": src.instance}) if {
	some src in lib.chart_values("traefik")
	not traefik_hydrated
	not web_disabled(src.values)
	not redirects_to_tls(src.values)
}

# Rendered Traefik: the `web` entry point exists and redirects to HTTPS.
traefik_args(container) := {lower(k): v |
	some arg in object.get(container, "args", [])
	is_string(arg)
	startswith(arg, "--")
	parts := split(trim_prefix(arg, "--"), "=")
	k := parts[0]
	v := concat("=", array.slice(parts, 1, count(parts)))
}

redirects_args(args) if {
	args["entrypoints.web.http.redirections.entrypoint.to"]
	args["entrypoints.web.http.redirections.entrypoint.scheme"] == "https"
}

# A redirect to a TLS entry point by name needs no scheme.
redirects_args(args) if args["entrypoints.web.http.redirections.entrypoint.to"] in lib.tls_entry_points

findings contains lib.finding(meta.id, meta.severity, "traefik-args-no-redirect", doc, ["spec", "template", "spec", "containers", i, "args"], {"name": lib.name(doc.object)}) if {
	some doc in input.documents
	doc.origin.chart == "traefik"
	doc.object.kind in {"Deployment", "DaemonSet"}
	some i, container in doc.object.spec.template.spec.containers
	args := traefik_args(container)
	args["entrypoints.web.address"]
	not redirects_args(args)
}

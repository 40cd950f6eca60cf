# forward-auth: every route on a public ingress class passes through the
# Authentik forward-auth middleware, directly or through a chain, unless the
# application authenticates users itself (homelab.dev/auth: oidc).
package homelab.rules.forward_auth

import data.homelab.lib

meta := {
	"id": "forward-auth",
	"severity": "error",
	"title": "Public routes carry the Authentik forward-auth middleware",
}

key(ns, name) := concat("/", [ns, name])

# Middlewares known to be forward-auth: the configured ones (possibly defined
# outside the checked tree) and every forwardAuth Middleware aimed at an Authentik outpost.
auth_middlewares contains key(m.namespace, m.name) if {
	some m in object.get(input, ["config", "forwardAuthMiddlewares"], [])
}

auth_middlewares contains key(lib.namespace(doc.object), lib.name(doc.object)) if {
	some doc in lib.kind_docs("Middleware")
	contains(doc.object.spec.forwardAuth.address, "/outpost.goauthentik.io/")
}

# Chain middleware → the middlewares it runs (namespace defaults to the chain's own).
chains[key(ns, lib.name(doc.object))] := members if {
	some doc in lib.kind_docs("Middleware")
	ns := lib.namespace(doc.object)
	members := {key(object.get(m, "namespace", ns), m.name) | some m in doc.object.spec.chain.middlewares}
}

protecting contains k if some k in auth_middlewares

protecting contains k if {
	some k, _ in chains
	some reached in graph.reachable(chains, {k})
	reached in auth_middlewares
}

# An IngressRoute's middleware reference; the namespace defaults to the route's.
ref_key(ref, ns) := key(object.get(ref, "namespace", ns), ref.name)

protected_route(route, ns) if {
	some ref in object.get(route, "middlewares", [])
	ref_key(ref, ns) in protecting
}

findings contains lib.finding(meta.id, meta.severity, "route-unprotected", doc, ["spec", "routes", i], {"route": i, "match": object.get(route, "match", "")}) if {
	some doc in input.documents
	lib.is_ingress_route(doc.object)
	lib.is_public(doc.object)
	not lib.declares_oidc(doc.object)
	some i, route in object.get(doc.object, ["spec", "routes"], [])
	not protected_route(route, lib.namespace(doc.object))
}

# Traefik's Ingress provider names CRD middlewares `<namespace>-<name>@kubernetescrd`.
ingress_ref(k) := concat("", [replace(k, "/", "-"), "@kubernetescrd"])

ingress_protected(obj) if {
	some raw in split(lib.annotation(obj, "traefik.ingress.kubernetes.io/router.middlewares"), ",")
	some k in protecting
	trim_space(raw) == ingress_ref(k)
}

findings contains lib.finding(meta.id, meta.severity, "ingress-unprotected", doc, ["metadata"], {}) if {
	some doc in input.documents
	lib.is_ingress(doc.object)
	lib.is_public(doc.object)
	not lib.declares_oidc(doc.object)
	not ingress_protected(doc.object)
}

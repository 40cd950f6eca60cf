# Helpers every rule shares: the finding shape, object accessors and the
# ingress facts (public classes, TLS entry points) taken from input.config.
package homelab.lib

# A finding locates itself by file, document index and JSON path; the message is
# formatted in TypeScript from `code` and `data` (sprintf is not used in Rego).
finding(rule, severity, code, doc, path, details) := {
	"rule": rule,
	"severity": severity,
	"code": code,
	"file": doc.file,
	"index": doc.index,
	"path": path,
	"data": details,
}

# Values live in a values file (path prefix []) or inside an Application
# (valuesObject): the source's prefix makes the path point into its document.
values_finding(rule, severity, code, src, path, details) := finding(rule, severity, code, src, array.concat(src.path, path), details)

name(obj) := object.get(obj, ["metadata", "name"], "")

namespace(obj) := object.get(obj, ["metadata", "namespace"], "")

annotation(obj, key) := object.get(obj, ["metadata", "annotations", key], "")

group(obj) := split(obj.apiVersion, "/")[0] if contains(obj.apiVersion, "/")

else := ""

# Kubernetes documents of one kind.
kind_docs(kind) := [doc | some doc in input.documents; doc.object.kind == kind]

# Helm values linked to a chart (values files, valuesObject, wrapper charts).
chart_values(chart) := [src | some src in input.values; src.chart.name == chart]

traefik_groups := {"traefik.io", "traefik.containo.us"}

is_ingress_route(obj) if {
	obj.kind == "IngressRoute"
	group(obj) in traefik_groups
}

is_ingress(obj) if {
	obj.kind == "Ingress"
	group(obj) in {"networking.k8s.io", "extensions"}
}

# Routes are Ingresses and Traefik IngressRoutes.
route_docs := [doc | some doc in input.documents; is_route(doc.object)]

is_route(obj) if is_ingress_route(obj)

is_route(obj) if is_ingress(obj)

ingress_class(obj) := obj.spec.ingressClassName if is_ingress(obj)

ingress_class(obj) := annotation(obj, "kubernetes.io/ingress.class") if {
	not obj.spec.ingressClassName
	annotation(obj, "kubernetes.io/ingress.class") != ""
}

public_classes := {c | some c in object.get(input, ["config", "publicClasses"], [])}

tls_entry_points := {e | some e in object.get(input, ["config", "tlsEntryPoints"], ["websecure"])}

# A route is public when render marked it so or its class is a public one.
is_public(obj) if annotation(obj, "homelab.dev/exposure") == "public"

is_public(obj) if ingress_class(obj) in public_classes

# A component that authenticates users itself (native OIDC) needs no forward-auth.
declares_oidc(obj) if annotation(obj, "homelab.dev/auth") == "oidc"

# Secret-looking key names, compared without case, `_`, `-` and `.`.
sensitive_suffixes := ["password", "passwd", "token", "secret", "apikey", "secretkey", "privatekey", "accesskey", "credentials"]

normalized_key(key) := lower(replace(replace(replace(key, "_", ""), "-", ""), ".", ""))

# Key names that name a Secret object rather than hold its value.
reference_suffixes := ["secretname", "secretref", "credentialsecret", "credentialssecret", "tlssecret"]

sensitive_key(key) if {
	is_string(key)
	k := normalized_key(key)
	not startswith(k, "existing")
	not names_a_secret(k)
	some suffix in sensitive_suffixes
	endswith(k, suffix)
}

names_a_secret(k) if {
	some suffix in reference_suffixes
	endswith(k, suffix)
}

# Values that point at a secret instead of holding one.
reference_prefixes := ["${", "{{", "$(", "<path:", "ref+", "vault:", "secretref:"]

is_reference(value) if {
	some prefix in reference_prefixes
	startswith(lower(value), prefix)
}

literal_secret(value) if {
	is_string(value)
	trim_space(value) != ""
	not is_reference(value)
}

# Exact chart versions: semver with an optional `v`, no ranges, wildcards or tags.
exact_version(version) if regex.match(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`, version)

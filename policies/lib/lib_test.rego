package homelab.lib_test

import data.homelab.lib

test_exact_versions if {
	lib.exact_version("1.2.3")
	lib.exact_version("v1.21.1")
	lib.exact_version("2026.8.0-rc.1+build.5")
	not lib.exact_version("1.2")
	not lib.exact_version("^1.2.3")
	not lib.exact_version("1.2.x")
	not lib.exact_version("latest")
	not lib.exact_version("HEAD")
}

test_sensitive_keys if {
	lib.sensitive_key("password")
	lib.sensitive_key("adminPassword")
	lib.sensitive_key("AUTHENTIK_SECRET_KEY")
	lib.sensitive_key("api-token")
	not lib.sensitive_key("existingSecret")
	not lib.sensitive_key("passwordSecretRef")
	not lib.sensitive_key("backupTargetCredentialSecret")
	not lib.sensitive_key("tlsSecretName")
	not lib.sensitive_key("tlsSecret")
	not lib.sensitive_key("caSecretRef")
	lib.sensitive_key("clientSecret")
	not lib.sensitive_key(3)
}

test_references_are_not_literals if {
	lib.literal_secret("hunter2")
	not lib.literal_secret("${DB_PASSWORD}")
	not lib.literal_secret("<path:secret/data/db#password>")
	not lib.literal_secret("  ")
	not lib.literal_secret(true)
}

test_ingress_class_from_annotation if {
	lib.ingress_class({"kind": "IngressRoute", "metadata": {"annotations": {"kubernetes.io/ingress.class": "pub"}}}) == "pub"
	lib.is_public({"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "spec": {"ingressClassName": "pub"}}) with input as {"config": {"publicClasses": ["pub"]}}
}

test_group if {
	lib.group({"apiVersion": "v1"}) == ""
	lib.group({"apiVersion": "traefik.io/v1alpha1"}) == "traefik.io"
}

# no-plaintext-secrets: secret material never sits in git. Secrets come from
# Vault (ExternalSecret, CSI); a Secret with data, a literal password in Helm
# values or a literal env value under a secret-looking name is a leak.
package homelab.rules.no_plaintext_secrets

import data.homelab.lib

meta := {
	"id": "no-plaintext-secrets",
	"severity": "error",
	"title": "No secret values in git",
}

findings contains lib.finding(meta.id, meta.severity, "secret-data", doc, [field], {"field": field, "keys": sort([k | some k, _ in doc.object[field]])}) if {
	some doc in lib.kind_docs("Secret")
	doc.object.apiVersion == "v1"
	some field in ["data", "stringData"]
	count(object.get(doc.object, field, {})) > 0
}

findings contains lib.values_finding(meta.id, meta.severity, "values-literal", src, path, {"key": key}) if {
	some src in input.values
	walk(src.values, [path, value])
	count(path) > 0
	key := path[count(path) - 1]
	lib.sensitive_key(key)
	lib.literal_secret(value)
}

# `env: [{name: DB_PASSWORD, value: "..."}]` in any object (pod specs, CRDs).
findings contains lib.finding(meta.id, meta.severity, "env-literal", doc, array.concat(path, ["value"]), {"name": entry.name}) if {
	some doc in input.documents
	doc.object.kind != "Secret"
	walk(doc.object, [path, entry])
	is_string(entry.name)
	lib.sensitive_key(entry.name)
	lib.literal_secret(entry.value)
}

# Same pattern in Helm values (extraEnv, env lists) is covered by the key walk
# above only when the key itself is sensitive; env lists carry the name as data.
findings contains lib.values_finding(meta.id, meta.severity, "env-literal", src, array.concat(path, ["value"]), {"name": entry.name}) if {
	some src in input.values
	walk(src.values, [path, entry])
	is_string(entry.name)
	lib.sensitive_key(entry.name)
	lib.literal_secret(entry.value)
}

findings contains lib.finding(meta.id, meta.severity, "configmap-literal", doc, ["data", key], {"key": key}) if {
	some doc in lib.kind_docs("ConfigMap")
	some key, value in object.get(doc.object, "data", {})
	lib.sensitive_key(key)
	lib.literal_secret(value)
}

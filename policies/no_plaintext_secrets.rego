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

# A Secret file of ours (or of a hand-written repo) with data is secret material in git.
findings contains lib.finding(meta.id, meta.severity, "secret-data", doc, [field], {"field": field, "keys": sort([k | some k, _ in doc.object[field]])}) if {
	some doc in lib.kind_docs("Secret")
	not doc.origin
	doc.object.apiVersion == "v1"
	some field in ["data", "stringData"]
	count(object.get(doc.object, field, {})) > 0
}

# A Secret a chart renders is made at deploy time (templated config, generated
# or looked-up values, hook Secrets): not secret material in git by itself.
# What is in git is a literal credential the chart copied from our values:
# a sensitive key whose value is a literal string of that chart's values.
secret_value(doc, "stringData", key) := doc.object.stringData[key]

secret_value(doc, "data", key) := base64.decode(doc.object.data[key])

values_strings(doc) := {v |
	some src in input.values
	src.chart.name == doc.origin.chart
	src.component == doc.component
	walk(src.values, [_, v])
	is_string(v)
}

findings contains lib.finding(meta.id, meta.severity, "chart-secret-from-values", doc, [field, key], details) if {
	some doc in lib.kind_docs("Secret")
	doc.origin
	some field in ["data", "stringData"]
	some key, _ in object.get(doc.object, field, {})
	lib.sensitive_key(key)
	value := secret_value(doc, field, key)
	lib.literal_secret(value)
	value in values_strings(doc)
	details := {"key": key, "chart": doc.origin.chart, "template": doc.origin.template}
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
# doc.namedValues: every mapping with a string `name` and a `value`, found by
# the check's one walk over the object (a walk() here allocates a path per node).
findings contains lib.finding(meta.id, meta.severity, "env-literal", doc, array.concat(entry.path, ["value"]), {"name": entry.name}) if {
	some doc in input.documents
	doc.object.kind != "Secret"
	some entry in doc.namedValues
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

package homelab.rules.no_plaintext_secrets_test

import data.homelab.rules.no_plaintext_secrets

cases := data.testdata.inputs.no_plaintext_secrets

test_references_pass if {
	count(no_plaintext_secrets.findings) == 0 with input as cases.pass
}

test_literals_fail if {
	found := {[f.code, f.file, f.path] | some f in no_plaintext_secrets.findings} with input as cases.fail
	found == {
		["secret-data", "secret.yaml", ["stringData"]],
		["configmap-literal", "secret.yaml", ["data", "api_token"]],
		["env-literal", "secret.yaml", ["spec", "template", "spec", "containers", 0, "env", 0, "value"]],
		["values-literal", "app.yaml", ["spec", "source", "helm", "valuesObject", "authentik", "secret_key"]],
	}
}

test_env_lists_in_values_fail if {
	some f in no_plaintext_secrets.findings with input as {"documents": [], "values": [{"file": "v.yaml", "index": 0, "path": [], "chart": {"name": "x"}, "values": {"extraEnv": [{"name": "API_TOKEN", "value": "abc"}]}}]}
	f.code == "env-literal"
	f.path == ["extraEnv", 0, "value"]
}

test_empty_secret_passes if {
	count(no_plaintext_secrets.findings) == 0 with input as {"documents": [{"file": "s.yaml", "index": 0, "object": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "token"}, "type": "kubernetes.io/service-account-token"}}], "values": []}
}

chart_secret(content) := {
	"file": "dist/hydrated/app/app/secret.app.app.yaml", "index": 0, "component": "app",
	"origin": {"application": "app", "chart": "app", "version": "1.0.0", "template": "app/templates/secret.yaml", "valueFiles": ["values.yaml"], "hook": null},
	"object": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "app"}, "data": content},
}

values_with(v) := [{"file": "values.yaml", "index": 0, "path": [], "component": "app", "chart": {"name": "app"}, "values": v}]

# A chart's Secret of templated config (or a generated password) is made at deploy time: no finding.
test_chart_secret_made_at_deploy_time_passes if {
	doc := chart_secret({"config.yaml": base64.encode("log: info"), "password": base64.encode("generated-at-install")})
	count(no_plaintext_secrets.findings) == 0 with input as {"documents": [doc], "values": values_with({"log": "info"})}
}

# ... but a credential that came from our values is still a literal secret in git.
test_chart_secret_from_values_fails if {
	doc := chart_secret({"password": base64.encode("hunter2-literal")})
	found := {[f.code, f.path] | some f in no_plaintext_secrets.findings} with input as {"documents": [doc], "values": values_with({"auth": {"password": "hunter2-literal"}})}
	found == {["chart-secret-from-values", ["data", "password"]], ["values-literal", ["auth", "password"]]}
}

test_chart_secret_string_data_from_values_fails if {
	base := chart_secret({})
	doc := object.union(base, {"object": object.union(base.object, {"stringData": {"api_token": "tok-literal"}})})
	some f in no_plaintext_secrets.findings with input as {"documents": [doc], "values": values_with({"token": "tok-literal"})}
	f.code == "chart-secret-from-values"
	f.path == ["stringData", "api_token"]
}

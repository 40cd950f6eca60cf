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

package homelab.rules.deprecated_api_test

import data.homelab.rules.deprecated_api

cases := data.testdata.inputs.deprecated_api

test_served_versions_pass if {
	count(deprecated_api.findings) == 0 with input as cases.pass
}

test_removed_versions_fail_with_replacement if {
	found := {[f.index, f.data.replacement] | some f in deprecated_api.findings} with input as cases.fail
	found == {[0, "external-secrets.io/v1"], [1, "traefik.io/v1alpha1"]}
}

package homelab.rules.server_side_apply_test

import data.homelab.rules.server_side_apply

cases := data.testdata.inputs.server_side_apply

test_server_side_apply_set_passes if {
	count(server_side_apply.findings) == 0 with input as cases.pass
}

test_missing_server_side_apply_fails if {
	found := {[f.code, f.data.chart] | some f in server_side_apply.findings} with input as cases.fail
	found == {["missing-server-side-apply", "argo-cd"]}
}

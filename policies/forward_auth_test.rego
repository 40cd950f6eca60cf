package homelab.rules.forward_auth_test

import data.homelab.rules.forward_auth

cases := data.testdata.inputs.forward_auth

test_chain_oidc_private_and_annotated_ingress_pass if {
	count(forward_auth.findings) == 0 with input as cases.pass
}

test_unprotected_public_routes_fail if {
	found := {[f.code, f.index, f.path] | some f in forward_auth.findings} with input as cases.fail
	found == {
		["route-unprotected", 0, ["spec", "routes", 0]],
		["ingress-unprotected", 1, ["metadata"]],
	}
}

test_chain_reaches_authentik_middleware if {
	"web/secure" in forward_auth.protecting with input as cases.pass
	"authentik/sso" in forward_auth.protecting with input as cases.pass
	not "web/headers" in forward_auth.protecting with input as cases.pass
}

package homelab.rules.layer_order_test

import data.homelab.rules.layer_order

cases := data.testdata.inputs.layer_order

test_earlier_dependencies_pass if {
	count(layer_order.findings) == 0 with input as cases.pass
}

test_later_and_unknown_dependencies_fail if {
	found := {[f.code, f.severity, f.path] | some f in layer_order.findings} with input as cases.fail
	found == {
		["depends-on-later-layer", "error", ["dependsOn", 0]],
		["unknown-dependency", "warning", ["dependsOn", 1]],
		["crd-later-layer", "error", ["apiVersion"]],
	}
}

package homelab.rules.pinned_versions_test

import data.homelab.rules.pinned_versions

cases := data.testdata.inputs.pinned_versions

test_exact_versions_tags_and_digests_pass if {
	count(pinned_versions.findings) == 0 with input as cases.pass
}

test_ranges_and_latest_fail if {
	found := {[f.code, f.path] | some f in pinned_versions.findings} with input as cases.fail
	found == {
		["chart-version", ["spec", "source", "targetRevision"]],
		["values-tag-latest", ["spec", "source", "helm", "valuesObject", "controller", "image", "tag"]],
		["image-floating", ["spec", "template", "spec", "initContainers", 0, "image"]],
		["image-floating", ["spec", "template", "spec", "containers", 0, "image"]],
	}
}

test_image_string_in_values if {
	some f in pinned_versions.findings with input as {"documents": [], "values": [{"file": "v.yaml", "index": 0, "path": [], "chart": {"name": "x"}, "values": {"sidecar": {"image": "busybox:latest"}}}]}
	f.code == "image-floating"
}

test_image_tag if {
	pinned_versions.image_tag("registry:5000/a/b:1.2") == "1.2"
	pinned_versions.image_tag("registry:5000/a/b") == ""
}

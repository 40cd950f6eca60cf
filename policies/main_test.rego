package homelab.main_test

import data.homelab.main

test_report_lists_every_rule_once if {
	ids := [r.id | some r in main.rules]
	count(ids) == count({id | some id in ids})
	"https-only" in ids
	"forward-auth" in ids
}

test_report_collects_all_rules_findings if {
	r := main.report with input as data.testdata.inputs.https_only.fail
	{f.rule | some f in r.findings} == {"https-only", "replica-count"}
}

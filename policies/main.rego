# The single wasm entrypoint (homelab/main/report): every rule's findings and
# the rule table, so one evaluation answers a whole check.
package homelab.main

import data.homelab.rules.admin_private
import data.homelab.rules.deprecated_api
import data.homelab.rules.forward_auth
import data.homelab.rules.https_only
import data.homelab.rules.layer_order
import data.homelab.rules.no_plaintext_secrets
import data.homelab.rules.pinned_versions
import data.homelab.rules.replica_count
import data.homelab.rules.server_side_apply

rules := [
	https_only.meta,
	forward_auth.meta,
	replica_count.meta,
	no_plaintext_secrets.meta,
	pinned_versions.meta,
	admin_private.meta,
	layer_order.meta,
	deprecated_api.meta,
	server_side_apply.meta,
]

findings := (((((((https_only.findings | forward_auth.findings) | replica_count.findings) | no_plaintext_secrets.findings) | pinned_versions.findings) | admin_private.findings) | layer_order.findings) | deprecated_api.findings) | server_side_apply.findings

report := {
	"rules": rules,
	"findings": findings,
}
